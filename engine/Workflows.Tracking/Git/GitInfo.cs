using LibGit2Sharp;

namespace Workflows.Tracking.Git;

/// <summary>Where a run's code came from, recorded as run tags.</summary>
/// <param name="RepositoryRoot">The working tree's root folder.</param>
/// <param name="CommitSha">HEAD's full SHA.</param>
/// <param name="Branch">The checked-out branch; null when HEAD is detached (CI checkouts often are).</param>
/// <param name="IsDirty">Tracked files differ from HEAD (untracked files do not count), so the commit
/// alone does not reproduce the run.</param>
/// <param name="IsShallow">A shallow clone: older commits are missing.</param>
public sealed record GitInfo(string RepositoryRoot, string CommitSha, string? Branch, bool IsDirty, bool IsShallow)
{
    /// <summary>Tag recording <see cref="IsDirty"/>.</summary>
    public const string DirtyTag = "wf.git.dirty";

    /// <summary>True when HEAD is not on a branch.</summary>
    public bool IsDetached => Branch is null;

    /// <summary>Reads the repository containing <paramref name="directory"/>.</summary>
    public static GitOutcome<GitInfo> Read(string directory)
    {
        var opened = GitRepositories.Open(directory);
        if (!opened.Succeeded)
        {
            return GitOutcome<GitInfo>.Failure(opened.Error!);
        }

        using var repository = opened.Value!;
        var status = repository.RetrieveStatus(new StatusOptions { IncludeUntracked = false, ExcludeSubmodules = true });
        return GitOutcome<GitInfo>.Success(new GitInfo(
            GitRepositories.WorkingDirectory(repository, directory),
            repository.Head.Tip.Sha,
            repository.Info.IsHeadDetached ? null : repository.Head.FriendlyName,
            status.IsDirty,
            repository.Info.IsShallow));
    }

    /// <summary>MLflow's git tags plus the dirty flag.</summary>
    public IReadOnlyDictionary<string, string> ToTags()
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [MlflowTags.GitCommit] = CommitSha,
            [DirtyTag] = IsDirty ? "true" : "false",
        };
        if (Branch is not null)
        {
            tags[MlflowTags.GitBranch] = Branch;
        }

        return tags;
    }
}
