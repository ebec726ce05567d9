namespace Workflows.Steps.Guard.Detectors;

/// <summary>AWS credentials: access key ids (<c>AKIA</c>, <c>ASIA</c> … and 16 upper-case letters or digits) and
/// 40-character secret access keys written next to a name that says so (<c>aws_secret_access_key = …</c>).</summary>
internal static class AwsKeyDetector
{
    public static IEnumerable<IDetector> Create() =>
    [
        new RegexDetector(SecretDetectors.Category, "aws_access_key",
            RegexDetector.Compile(@"(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|AROA|APKA|ASCA)[A-Z0-9]{16}(?![A-Z0-9])")),
        new RegexDetector(SecretDetectors.Category, "aws_secret_key",
            RegexDetector.Compile(@"aws.{0,20}?(?:secret|private).{0,20}?[""'\s:=]+(?<value>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])", System.Text.RegularExpressions.RegexOptions.IgnoreCase)),
    ];
}
