using Workflows.Steps.Guard.Detectors;

namespace Workflows.Steps.Tests.Guard;

[TestFixture]
public sealed class PiiDetectorTests
{
    private static IEnumerable<string> Kinds(string text) =>
        PiiDetectors.All().SelectMany(d => d.Find(text)).Select(f => f.Kind).Distinct();

    private static readonly object[] Positives =
    [
        new object[] { "write to jane.doe+news@example.co.uk today", "email" },
        new object[] { "call (212) 555-0123 after six", "phone" },
        new object[] { "call 212.555.0123", "phone" },
        new object[] { "office +44 20 7946 0958", "phone" },
        new object[] { "card 4111 1111 1111 1111 exp 12/27", "credit_card" },
        new object[] { "card 4111111111111111", "credit_card" },
        new object[] { "mc 5500-0000-0000-0004", "credit_card" },
        new object[] { "amex 3782 822463 10005", "credit_card" },
        new object[] { "pay to DE89 3704 0044 0532 0130 00 please", "iban" },
        new object[] { "GB82WEST12345698765432", "iban" },
        new object[] { "SSN 123-45-6789 on file", "ssn" },
        new object[] { "SSN 123 45 6789", "ssn" },
    ];

    [TestCaseSource(nameof(Positives))]
    public void Find_ValidPersonalData_IsFound(string text, string kind) => Assert.That(Kinds(text), Does.Contain(kind));

    private static readonly object[] Negatives =
    [
        new object[] { "user@localhost has no domain", "email" },
        new object[] { "pi is 3.1415926535 roughly", "phone" },
        new object[] { "area codes never start with 1: 123-456-7890", "phone" },
        new object[] { "card 4111 1111 1111 1112 fails Luhn", "credit_card" },
        new object[] { "order 1234567890123 fails Luhn", "credit_card" },
        new object[] { "pay to DE89 3704 0044 0532 0130 01 (bad check digits)", "iban" },
        new object[] { "GB82WEST1234569876543 is one character short", "iban" },
        new object[] { "area 000: 000-12-3456", "ssn" },
        new object[] { "area 666: 666-12-3456", "ssn" },
        new object[] { "area 9xx: 912-12-3456", "ssn" },
        new object[] { "group 00: 123-00-6789", "ssn" },
        new object[] { "serial 0000: 123-45-0000", "ssn" },
        new object[] { "the wallet card number 078-05-1120", "ssn" },
        new object[] { "mixed separators 123-45 6789", "ssn" },
    ];

    [TestCaseSource(nameof(Negatives))]
    public void Find_InvalidLookalike_IsNotFound(string text, string kind) => Assert.That(Kinds(text), Does.Not.Contain(kind));

    private static readonly object[] LuhnCases =
    [
        new object[] { "79927398713", true },
        new object[] { "79927398710", false },
        new object[] { "4012888888881881", true },
        new object[] { "4012888888881882", false },
    ];

    [TestCaseSource(nameof(LuhnCases))]
    public void Luhn_Digits_ChecksTheMod10Sum(string digits, bool valid) => Assert.That(CreditCardDetector.Luhn(digits.ToCharArray()), Is.EqualTo(valid));

    private static readonly object[] IbanCases =
    [
        new object[] { "DE89370400440532013000", true },
        new object[] { "FR1420041010050500013M02606", true },
        new object[] { "NL91ABNA0417164300", true },
        new object[] { "NL91ABNA0417164301", false },
        new object[] { "DE8937040044053201300", false },   // one digit short for Germany
    ];

    [TestCaseSource(nameof(IbanCases))]
    public void Iban_Candidate_ChecksMod97AndCountryLength(string iban, bool valid) => Assert.That(IbanDetector.IsValid(iban), Is.EqualTo(valid));

    [Test]
    public void Mask_PersonalData_IsReplacedByItsKind()
    {
        const string text = "mail jane@example.com or call (212) 555-0123, card 4111 1111 1111 1111.";
        var findings = PiiDetectors.All().SelectMany(d => d.Find(text));
        Assert.That(PiiMasker.Mask(text, findings), Is.EqualTo("mail [EMAIL] or call [PHONE], card [CREDIT_CARD]."));
    }
}
