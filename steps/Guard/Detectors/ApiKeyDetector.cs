using System.Text.RegularExpressions;

namespace Workflows.Steps.Guard.Detectors;

/// <summary>Generic credentials: a value of 16+ key-like characters assigned to a name such as <c>api_key</c>,
/// <c>secret</c>, <c>access_token</c> or <c>password</c>; and well-known prefixed keys (Stripe <c>sk_live_</c>,
/// Slack <c>xox?-</c>, OpenAI-style <c>sk-</c>, Google <c>AIza</c>). Values of one repeated character
/// (<c>xxxxxxxxxxxxxxxx</c>, placeholders) do not count.</summary>
internal static class ApiKeyDetector
{
    public static IEnumerable<IDetector> Create() =>
    [
        new RegexDetector(SecretDetectors.Category, "api_key",
            RegexDetector.Compile(@"\b(?:api[_-]?key|apikey|secret(?:[_-]?key)?|access[_-]?token|auth[_-]?token|client[_-]?secret|password|passwd)\b[""']?\s*[:=]\s*[""']?(?<value>[A-Za-z0-9_\-./+=]{16,})", RegexOptions.IgnoreCase),
            value => value.Distinct().Count() > 3),
        new RegexDetector(SecretDetectors.Category, "api_key",
            RegexDetector.Compile(@"(?<![A-Za-z0-9_-])(?:sk_live_[0-9A-Za-z]{24,}|xox[abposr]-[0-9A-Za-z-]{10,}|sk-[A-Za-z0-9_-]{32,}|AIza[0-9A-Za-z_-]{35})(?![A-Za-z0-9_-])")),
    ];
}
