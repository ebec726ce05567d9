using LibGit2Sharp;

namespace Workflows.Tracking.Git;

/// <summary>Opening repositories and resolving refs with messages that say what to do.</summary>
internal static class GitRepositories
{
    private const string ZeroSha = "0000000000000000000000000000000000000000";

    public static GitOutcome<Repository> Open(string directory)
    {
        var root = Repository.Discover(Path.GetFullPath(directory));
        if (root is null)
        {
            return GitOutcome<Repository>.Failure($"'{directory}' is not inside a git repository");
        }

        var repository = new Repository(root);
        if (repository.Info.IsHeadUnborn)
        {
            repository.Dispose();
            return GitOutcome<Repository>.Failure($"the repository at {WorkingDirectory(repository, root)} has no commits yet; commit first");
        }

        return GitOutcome<Repository>.Success(repository);
    }

    /// <summary>The commit <paramref name="reference"/> names, or null for "before the first commit" (the
    /// all-zero SHA CI systems pass for a new branch, or <c>HEAD~1</c> on a root commit): then every file
    /// counts as changed.</summary>
    public static GitOutcome<Commit?> ResolveSince(Repository repository, string reference)
    {
        if (reference == ZeroSha)
        {
            return GitOutcome<Commit?>.Success(null);
        }

        if (repository.Lookup(reference) is GitObject found)
        {
            return found.Peel<Commit>() is { } commit
                ? GitOutcome<Commit?>.Success(commit)
                : GitOutcome<Commit?>.Failure($"'{reference}' names a {found.GetType().Name.ToLowerInvariant()}, not a commit");
        }

        if (reference.EndsWith("~1", StringComparison.Ordinal) || reference.EndsWith('^'))
        {
            var baseName = reference.EndsWith('^') ? reference[..^1] : reference[..^2];
            if (repository.Lookup(baseName)?.Peel<Commit>() is { Parents: var parents } && !parents.Any())
            {
                return repository.Info.IsShallow
                    ? GitOutcome<Commit?>.Failure(ShallowHint(reference))
                    : GitOutcome<Commit?>.Success(null);
            }
        }

        return GitOutcome<Commit?>.Failure(repository.Info.IsShallow
            ? ShallowHint(reference)
            : $"'{reference}' does not name a commit in this repository (a branch, tag, SHA or HEAD~N is expected)");
    }

    public static string WorkingDirectory(Repository repository, string fallback) =>
        repository.Info.WorkingDirectory?.TrimEnd(Path.DirectorySeparatorChar) ?? fallback;

    private static string ShallowHint(string reference) =>
        $"'{reference}' is not in this shallow clone; fetch more history (git fetch --deepen=50, or fetch-depth: 0 in actions/checkout)";
}
