namespace Workflows.Steps.Guard.Detectors;

/// <summary>GitHub tokens: classic (<c>ghp_</c>, <c>gho_</c>, <c>ghu_</c>, <c>ghs_</c>, <c>ghr_</c> + 36 characters) and
/// fine-grained personal access tokens (<c>github_pat_</c> + 82 characters).</summary>
internal static class GitHubTokenDetector
{
    public static IDetector Create() => new RegexDetector(SecretDetectors.Category, "github_token",
        RegexDetector.Compile(@"(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{82})(?![A-Za-z0-9_])"));
}
