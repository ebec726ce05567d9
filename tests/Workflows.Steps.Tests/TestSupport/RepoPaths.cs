namespace Workflows.Steps.Tests.TestSupport;

/// <summary>Locates the repository root (the folder holding Workflows.sln) and the shared assets beside it.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary><c>../shared/data</c> relative to the repository root.</summary>
    public static string SharedData => Path.GetFullPath(Path.Combine(Root, "..", "shared", "data"));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Workflows.sln"))) return dir.FullName;
        throw new InvalidOperationException("Workflows.sln not found above " + AppContext.BaseDirectory);
    }
}
