namespace Workflows.Steps.Guard.Detectors;

/// <summary>Payment card numbers: 13 to 19 digits, optionally grouped by spaces or dashes, that pass the Luhn check.</summary>
internal static class CreditCardDetector
{
    public static IDetector Create() => new RegexDetector(PiiDetectors.Category, "credit_card",
        RegexDetector.Compile(@"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])"), IsValid);

    public static bool IsValid(string candidate)
    {
        var digits = candidate.Where(char.IsAsciiDigit).ToArray();
        return digits.Length is >= 13 and <= 19 && Luhn(digits);
    }

    /// <summary>The Luhn (mod 10) check: double every second digit from the right, add digit sums, expect a multiple of 10.</summary>
    public static bool Luhn(IReadOnlyList<char> digits)
    {
        var sum = 0;
        for (var i = 0; i < digits.Count; i++)
        {
            var d = digits[digits.Count - 1 - i] - '0';
            if (i % 2 == 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
            sum += d;
        }
        return sum % 10 == 0;
    }
}
