namespace Workflows.Tracking.Tests;

public sealed class TrackingKeysTests
{
    [TestCase("lora.rank", "lora.rank")]
    [TestCase("eval/ppl", "eval/ppl")]
    [TestCase("../../etc/passwd", "__/__/etc/passwd")]
    [TestCase("/abs//key/", "abs/key")]
    [TestCase("a:b*c?", "a_b_c_")]
    [TestCase("./x", "x")]
    [TestCase("", "_")]
    public void Sanitize_Key_KeepsMlflowSafeCharactersAndNoDotDotParts(string key, string expected) =>
        Assert.That(TrackingKeys.Sanitize(key), Is.EqualTo(expected));

    [Test]
    public void Clean_KeysCollideAfterSanitising_KeepsBothWithSuffix()
    {
        var cleaned = TrackingKeys.Clean(new Dictionary<string, string> { ["a:b"] = "1", ["a*b"] = "2" }, TrackingKeys.TruncateParam);

        Assert.That(cleaned, Is.EquivalentTo(new Dictionary<string, string> { ["a_b"] = "2", ["a_b_2"] = "1" }));
    }

    [Test]
    public void TruncateTag_Over8000_EndsWithMarkerAtExactlyTheLimit()
    {
        var tag = TrackingKeys.TruncateTag(new string('t', 8001));

        Assert.That(tag, Has.Length.EqualTo(8000).And.EndsWith("...[truncated, 8001 chars]"));
        Assert.That(TrackingKeys.TruncateTag("short"), Is.EqualTo("short"));
    }
}
