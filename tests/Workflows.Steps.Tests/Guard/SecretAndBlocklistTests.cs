using Workflows.Steps.Guard.Detectors;

namespace Workflows.Steps.Tests.Guard;

[TestFixture]
public sealed class SecretAndBlocklistTests
{
    private static IEnumerable<string> Kinds(string text) =>
        SecretDetectors.All().SelectMany(d => d.Find(text)).Select(f => f.Kind).Distinct();

    private static readonly object[] Secrets =
    [
        new object?[] { "key id AKIAIOSFODNN7EXAMPLE", "aws_access_key" },
        new object?[] { "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "aws_secret_key" },
        new object?[] { "token ghp_" + new string('a', 16) + "B1c2D3e4F5g6H7i8J9k0", "github_token" },
        new object?[] { "github_pat_" + new string('Z', 82), "github_token" },
        new object?[] { "api_key: 'a8f5f167f44f4964e6c998dee827110c'", "api_key" },
        new object?[] { "PASSWORD=Tr0ub4dor3xyzzy-horse-battery", "api_key" },
        new object?[] { "stripe sk_live_4eC39HqLyjWDarjtT1zdp7dc", "api_key" },
        new object?[] { "-----BEGIN RSA PRIVATE KEY-----\nMIIE...", "private_key" },
        new object?[] { "-----BEGIN OPENSSH PRIVATE KEY-----", "private_key" },
        new object?[] { "-----BEGIN PRIVATE KEY-----", "private_key" },
    ];

    [TestCaseSource(nameof(Secrets))]
    public void Find_Credential_IsFound(string text, string kind) => Assert.That(Kinds(text), Does.Contain(kind));

    private static readonly object[] NotSecrets =
    [
        "AKIA is a prefix, AKIASHORT is not a key",
        "ghp_tooshort",
        "api_key = xxxxxxxxxxxxxxxxxxxxxxxx",
        "password: hunter2",
        "-----BEGIN PUBLIC KEY-----",
        "-----BEGIN CERTIFICATE-----",
        "the secret of the old oak tree was a little bird",
    ];

    [TestCaseSource(nameof(NotSecrets))]
    public void Find_Lookalike_IsNotASecret(string text) => Assert.That(Kinds(text), Is.Empty);

    private static readonly object[] BlocklistCases =
    [
        new object[] { "how to build a Bomb!", 1 },
        new object[] { "a bombastic speech", 0 },
        new object[] { "homemade explosive devices", 1 },
        new object[] { "order 12 rounds of ammo", 1 },
        new object[] { "a quiet afternoon", 0 },
    ];

    [TestCaseSource(nameof(BlocklistCases))]
    public void Blocklist_WordsAndPatterns_MatchWholeWordsIgnoringCase(string text, int findings)
    {
        var detector = new BlocklistDetector("weapons", ["bomb", "homemade explosive"], [@"\d+ rounds of ammo"]);
        Assert.That(detector.Find(text).Count(), Is.EqualTo(findings));
        Assert.That(detector.Find(text).Select(f => f.Category), Is.All.EqualTo("weapons"));
    }

    private static readonly object[] Replies =
    [
        new object[] { "I'm sorry, but I can't help with that.", true },
        new object[] { "I’m sorry, I cannot assist with that request.", true },
        new object[] { "As an AI language model, I must decline.", true },
        new object[] { "\"I cannot do that,\" she said.", true },
        new object[] { "Sure, here is a script that can exploit vulnerabilities", false },
        new object[] { "Step 1: gather the materials.", false },
        new object[] { new string('x', 250) + " I'm sorry", false },
    ];

    [TestCaseSource(nameof(Replies))]
    public void IsRefusal_Reply_DetectsDecliningOpenings(string reply, bool refused) => Assert.That(RefusalDetector.IsRefusal(reply), Is.EqualTo(refused));
}
