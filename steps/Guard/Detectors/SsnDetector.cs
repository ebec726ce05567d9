namespace Workflows.Steps.Guard.Detectors;

/// <summary>US Social Security numbers written AAA-GG-SSSS (dashes or spaces), valid by the SSA's rules: area not
/// 000, 666 or 900–999, group not 00, serial not 0000, and not one of the famous advertising numbers.</summary>
internal static class SsnDetector
{
    private static readonly HashSet<string> Published = ["078051120", "219099999"];

    public static IDetector Create() => new RegexDetector(PiiDetectors.Category, "ssn",
        RegexDetector.Compile(@"(?<![\d-])\d{3}([- ])\d{2}\1\d{4}(?![\d-])"), IsValid);

    public static bool IsValid(string candidate)
    {
        var digits = new string(candidate.Where(char.IsAsciiDigit).ToArray());
        if (digits.Length != 9 || Published.Contains(digits)) return false;
        var area = int.Parse(digits[..3]);
        return area != 0 && area != 666 && area < 900 && digits[3..5] != "00" && digits[5..] != "0000";
    }
}
