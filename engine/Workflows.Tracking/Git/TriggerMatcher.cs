using LibGit2Sharp;

namespace Workflows.Tracking.Git;

/// <summary>Decides which workflows a push affects: those whose own file, or a file matching their
/// <c>on.push.paths</c>, changed between <see cref="TriggerOptions.Since"/> and HEAD, on a branch matching
/// their <c>on.push.branches</c>.</summary>
public static class TriggerMatcher
{
    /// <summary>The matching workflows, in the order given, each with the paths that matched.</summary>
    public static GitOutcome<IReadOnlyList<TriggerMatch>> Match(
        string repositoryDirectory, IReadOnlyList<WorkflowTrigger> workflows, TriggerOptions? options = null)
    {
        options ??= new TriggerOptions();
        var opened = GitRepositories.Open(repositoryDirectory);
        if (!opened.Succeeded)
        {
            return GitOutcome<IReadOnlyList<TriggerMatch>>.Failure(opened.Error!);
        }

        using var repository = opened.Value!;
        var since = GitRepositories.ResolveSince(repository, options.Since);
        if (!since.Succeeded)
        {
            return GitOutcome<IReadOnlyList<TriggerMatch>>.Failure(since.Error!);
        }

        var branch = options.Branch ?? (repository.Info.IsHeadDetached ? null : repository.Head.FriendlyName);
        if (branch is null && workflows.Any(workflow => workflow.Branches.Count > 0))
        {
            return GitOutcome<IReadOnlyList<TriggerMatch>>.Failure(
                "HEAD is detached, so on.push.branches cannot be checked; pass the branch (--branch, e.g. \"$GITHUB_REF_NAME\")");
        }

        var changed = ChangedPaths(repository, since.Value, repository.Head.Tip);
        var root = GitRepositories.WorkingDirectory(repository, repositoryDirectory);
        var matches = new List<TriggerMatch>();
        foreach (var workflow in workflows)
        {
            if (workflow.Branches.Count > 0 && !new PathGlob(workflow.Branches).IsMatch(branch!))
            {
                continue;
            }

            var ownFile = RepositoryPath(root, workflow.WorkflowPath);
            var globs = new PathGlob(workflow.Paths);
            var hits = changed.Where(path => path == ownFile || globs.IsMatch(path)).ToList();
            if (hits.Count > 0)
            {
                matches.Add(new TriggerMatch(workflow.WorkflowPath, hits));
            }
        }

        return GitOutcome<IReadOnlyList<TriggerMatch>>.Success(matches);
    }

    /// <summary>Changed files, renames counting under both names (moving data out of a watched folder
    /// changes that folder too).</summary>
    private static IReadOnlyList<string> ChangedPaths(Repository repository, Commit? since, Commit head)
    {
        using var changes = repository.Diff.Compare<TreeChanges>(since?.Tree, head.Tree);
        return changes
            .SelectMany(change => new[] { change.Path, change.OldPath })
            .Where(path => !string.IsNullOrEmpty(path))
            .Select(path => path.Replace('\\', '/'))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    private static string RepositoryPath(string root, string path)
    {
        var relative = (Path.IsPathRooted(path) ? Path.GetRelativePath(root, path) : path).Replace('\\', '/');
        while (relative.StartsWith("./", StringComparison.Ordinal))
        {
            relative = relative[2..];
        }

        return relative;
    }
}
