namespace Workflows.Torch.Tests;

/// <summary>Paths into ../shared (real models, tokenizers and data), found from the repository root.</summary>
internal static class SharedAssets
{
    private static readonly Lazy<string> RepositoryRoot = new(() =>
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Workflows.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"no Workflows.sln above {AppContext.BaseDirectory}");
    });

    public static string Root => RepositoryRoot.Value;

    public static string Shared => Path.GetFullPath(Path.Combine(Root, "..", "shared"));

    public static string Stories260K => Path.Combine(Shared, "models", "stories260K");

    public static string Stories260KBin => Path.Combine(Stories260K, "llama2c", "stories260K.bin");

    public static string Fixture(string name) => Path.Combine(Root, "tests", "Workflows.Torch.Tests", "Fixtures", name);
}
