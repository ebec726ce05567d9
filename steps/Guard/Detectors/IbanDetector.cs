using System.Numerics;

namespace Workflows.Steps.Guard.Detectors;

/// <summary>IBANs: country code, two check digits and the account part (optionally in groups of four), valid by
/// the ISO 13616 mod-97 check and, for the countries listed, by their fixed length.</summary>
internal static class IbanDetector
{
    private static readonly Dictionary<string, int> Lengths = new()
    {
        ["AT"] = 20, ["BE"] = 16, ["CH"] = 21, ["CZ"] = 24, ["DE"] = 22, ["DK"] = 18, ["ES"] = 24, ["FI"] = 18, ["FR"] = 27,
        ["GB"] = 22, ["IE"] = 22, ["IT"] = 27, ["LU"] = 20, ["NL"] = 18, ["NO"] = 15, ["PL"] = 28, ["PT"] = 25, ["SE"] = 24,
    };

    public static IDetector Create() => new RegexDetector(PiiDetectors.Category, "iban",
        RegexDetector.Compile(@"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{1,4}){3,8}(?![A-Za-z0-9])"), IsValid);

    public static bool IsValid(string candidate)
    {
        var iban = candidate.Replace(" ", "");
        if (iban.Length is < 15 or > 34) return false;
        if (Lengths.TryGetValue(iban[..2], out var length) && iban.Length != length) return false;
        var rearranged = iban[4..] + iban[..4];
        var digits = string.Concat(rearranged.Select(c => char.IsAsciiDigit(c) ? c.ToString() : (c - 'A' + 10).ToString()));
        return BigInteger.Parse(digits) % 97 == 1;
    }
}
