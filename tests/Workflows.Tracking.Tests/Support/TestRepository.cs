using LibGit2Sharp;

namespace Workflows.Tracking.Tests.Support;

/// <summary>A throwaway git repository in a temp folder.</summary>
internal sealed class TestRepository : IDisposable
{
    private static readonly Signature Author = new("Test", "test@example.com", DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
    private readonly TempDirectory _temp = new();

    public TestRepository(string branch = "main")
    {
        Repository.Init(_temp.Path);
        Repository = new Repository(_temp.Path);
        // Name the unborn branch before the first commit, whatever init.defaultBranch says.
        Repository.Refs.UpdateTarget("HEAD", $"refs/heads/{branch}");
    }

    public Repository Repository { get; }

    public string Root => _temp.Path;

    public string Write(string path, string content)
    {
        var full = Path.Combine(Root, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
        return full;
    }

    public Commit Commit(string message, params (string Path, string Content)[] files)
    {
        foreach (var (path, content) in files)
        {
            Write(path, content);
        }

        Commands.Stage(Repository, "*");
        return Repository.Commit(message, Author, Author, new CommitOptions { AllowEmptyCommit = true });
    }

    public void Dispose()
    {
        Repository.Dispose();
        _temp.Dispose();
    }
}
