namespace Workflows.Engine.Tests.Support;

/// <summary>Finds the repository root (the folder with Workflows.sln) from the test's bin folder.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = Find();

    public static string CustomStepLibrary => Path.Combine(Root, "artifacts", "custom-steps", "Custom.Steps.dll");

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Workflows.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("Workflows.sln not found above " + AppContext.BaseDirectory);
    }
}
