using NUnit.Framework;
using Workflows.Engine.Caching;
using Workflows.Engine.Tests.Support;

namespace Workflows.Engine.Tests.Caching;

public class FingerprintTests
{
    private const string Header = "api_version: workflows/v1\nname: t\n";

    [Test]
    public void Compute_KnownOptions_MatchesGoldenHash()
    {
        var options = new EchoOptions { Text = "hello", Level = 3, Nested = new EchoNested { Rank = 16, Alpha = 0.5 }, Inputs = ["sha256:abc"] };
        var fingerprint = Fingerprint.Compute("echo", 1, CanonicalJson.ToNode(options));
        Assert.That(CanonicalJson.Serialize(options), Is.EqualTo(GoldenCanonical));
        Assert.That(fingerprint, Is.EqualTo(GoldenEcho));
    }

    private const string GoldenCanonical = "{\"barrier\":null,\"delay_ms\":0,\"fail\":false,\"inputs\":[\"sha256:abc\"],\"level\":3,\"mode\":\"plain\",\"nested\":{\"alpha\":0.5,\"rank\":16},\"skip_output\":false,\"text\":\"hello\",\"throw\":false}";

    // Changing this value means every user's run cache is invalidated: do it only on purpose.
    private const string GoldenEcho = "6369f4dfaeb044363d440cb5f62b98d835faf3d0bebcd4c6ddb96f2a33cefef9";

    [Test]
    public void Compute_StepVersionChange_ChangesFingerprint()
    {
        var options = CanonicalJson.ToNode(new EchoOptions { Text = "x" });
        Assert.That(Fingerprint.Compute("echo", 1, options), Is.Not.EqualTo(Fingerprint.Compute("echo", 2, options)));
    }

    [Test]
    public void Plan_KeyOrderInYaml_DoesNotChangeFingerprint()
    {
        using var a = new TempProject().Write(Header + "steps:\n  s: { uses: echo, with: { text: hi, level: 2 } }\n");
        using var b = new TempProject().Write(Header + "steps:\n  s: { uses: echo, with: { level: 2, text: hi } }\n");
        Assert.That(a.Plan().Step("s").Fingerprint, Is.EqualTo(b.Plan().Step("s").Fingerprint));
    }

    [Test]
    public void Plan_FileInputContent_IsHashedNotItsPath()
    {
        using var a = new TempProject().Write(Header + "steps:\n  m: { uses: make_model, with: { source: data/w.bin } }\n");
        using var b = new TempProject().Write(Header + "steps:\n  m: { uses: make_model, with: { source: elsewhere/other.bin } }\n");
        a.WriteFile("data/w.bin", "weights");
        b.WriteFile("elsewhere/other.bin", "weights");
        var before = a.Plan().Step("m").Fingerprint;
        Assert.That(b.Plan().Step("m").Fingerprint, Is.EqualTo(before));

        File.WriteAllText(Path.Combine(a.Root, "data/w.bin"), "weights v2");
        Assert.That(a.Plan().Step("m").Fingerprint, Is.Not.EqualTo(before));
    }

    [Test]
    public void Plan_ParamOverride_ChangesFingerprintLikeEditingTheFile()
    {
        using var project = new TempProject().Write(Header + "params: { level: 2 }\nsteps:\n  s: { uses: echo, with: { level: '${{ params.level }}' } }\n");
        using var edited = new TempProject().Write(Header + "params: { level: 5 }\nsteps:\n  s: { uses: echo, with: { level: '${{ params.level }}' } }\n");
        var overridden = project.Plan(overrides: new Dictionary<string, string> { ["level"] = "5" }).Step("s").Fingerprint;
        Assert.That(overridden, Is.EqualTo(edited.Plan().Step("s").Fingerprint));
        Assert.That(overridden, Is.Not.EqualTo(project.Plan().Step("s").Fingerprint));
    }
}
