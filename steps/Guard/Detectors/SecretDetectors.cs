namespace Workflows.Steps.Guard.Detectors;

/// <summary>The credential detectors, counted under the <c>secrets</c> category.</summary>
internal static class SecretDetectors
{
    public const string Category = "secrets";

    public static IReadOnlyList<IDetector> All() =>
        [.. AwsKeyDetector.Create(), GitHubTokenDetector.Create(), .. ApiKeyDetector.Create(), PrivateKeyDetector.Create()];
}
