namespace Workflows.Tracking.Git;

/// <summary>What <see cref="TriggerMatcher"/> compares.</summary>
public sealed record TriggerOptions
{
    /// <summary>The commit before the change (a ref, SHA or <c>HEAD~N</c>); compared with HEAD. Default
    /// <c>HEAD~1</c> (the last commit, as a post-commit hook sees it). The all-zero SHA, or HEAD~1 on the
    /// first commit, means every file in HEAD counts as changed.</summary>
    public string Since { get; init; } = "HEAD~1";

    /// <summary>The branch to match <c>branches</c> against. Default: HEAD's branch; set it on a detached
    /// HEAD (CI checkouts), e.g. from <c>GITHUB_REF_NAME</c>.</summary>
    public string? Branch { get; init; }
}
