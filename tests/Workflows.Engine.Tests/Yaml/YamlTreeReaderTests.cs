using NUnit.Framework;
using Workflows.Engine.Diagnostics;
using Workflows.Engine.Yaml;

namespace Workflows.Engine.Tests.Yaml;

public class YamlTreeReaderTests
{
    [Test]
    public void Read_Mapping_KeepsOneBasedLineAndColumn()
    {
        var diagnostics = new DiagnosticList();
        var root = (YamlMapping)YamlTreeReader.Read("a: 1\nsteps:\n  train: { uses: x }\n", "f.yaml", diagnostics)!;
        var steps = (YamlMapping)root.Get("steps")!;
        Assert.That(steps.KeyOf("train")!.Mark, Is.EqualTo(new SourceMark("f.yaml", 3, 3)));
        Assert.That(diagnostics.HasErrors, Is.False);
    }

    [Test]
    public void Read_DuplicateKeys_ReportsEachAndKeepsReading()
    {
        var diagnostics = new DiagnosticList();
        var root = YamlTreeReader.Read("a: 1\na: 2\nb: 3\nb: 4\n", "f.yaml", diagnostics) as YamlMapping;
        Assert.That(diagnostics.Items.Select(d => d.ToString()), Is.EqualTo(new[]
        {
            "f.yaml:2:1 duplicate key 'a' — each key may appear once in a mapping; rename or remove one",
            "f.yaml:4:1 duplicate key 'b' — each key may appear once in a mapping; rename or remove one",
        }));
        Assert.That(((YamlScalar)root!.Get("a")!).Value, Is.EqualTo("1"));
    }

    [Test]
    public void Read_SyntaxError_ReportsPositionInsteadOfThrowing()
    {
        var diagnostics = new DiagnosticList();
        var root = YamlTreeReader.Read("steps:\n  a: [1, 2\n  b: 3\n", "bad.yaml", diagnostics);
        Assert.That(root, Is.Null);
        Assert.That(diagnostics.Items, Has.Count.EqualTo(1));
        Assert.That(diagnostics.Items[0].ToString(), Does.StartWith("bad.yaml:").And.Contain("YAML syntax error"));
        Assert.That(diagnostics.Items[0].Mark.Line, Is.GreaterThanOrEqualTo(2));
    }

    [Test]
    public void Read_QuotedScalar_IsNotPlain()
    {
        var diagnostics = new DiagnosticList();
        var root = (YamlMapping)YamlTreeReader.Read("a: 'null'\nb: null\n", "f.yaml", diagnostics)!;
        Assert.That(((YamlScalar)root.Get("a")!).IsNull, Is.False);
        Assert.That(((YamlScalar)root.Get("b")!).IsNull, Is.True);
    }

    [Test]
    public void Read_Alias_ResolvesToAnchoredNode()
    {
        var diagnostics = new DiagnosticList();
        var root = (YamlMapping)YamlTreeReader.Read("base: &b { rank: 8 }\nother: *b\n", "f.yaml", diagnostics)!;
        Assert.That(root.Get("other"), Is.SameAs(root.Get("base")));
    }

    [Test]
    public void Read_NestedPastTheLimit_ReportsWhereItStarts()
    {
        var diagnostics = new DiagnosticList();
        var depth = YamlTreeReader.MaxDepth + 1;
        var root = YamlTreeReader.Read("a:\n  b: " + new string('[', depth) + new string(']', depth) + "\n", "f.yaml", diagnostics);
        Assert.That(root, Is.Null);
        Assert.That(diagnostics.Items.Select(d => d.ToString()).Single(),
            Does.StartWith("f.yaml:2:").And.Contain($"YAML nested more than {YamlTreeReader.MaxDepth} levels deep"));
    }

    [Test]
    public void Read_NestedJustUnderTheLimit_Reads()
    {
        var diagnostics = new DiagnosticList();
        var depth = YamlTreeReader.MaxDepth - 2;
        var root = YamlTreeReader.Read("a: " + new string('[', depth) + new string(']', depth) + "\n", "f.yaml", diagnostics);
        Assert.That(diagnostics.HasErrors, Is.False);
        Assert.That(root, Is.InstanceOf<YamlMapping>());
    }

    [Test]
    public void Read_TabAsIndentation_ReportsTheTabNotTheFileStart()
    {
        var diagnostics = new DiagnosticList();
        var root = YamlTreeReader.Read("a: 1\nsteps:\n  train:\n  \tuses: x\n", "f.yaml", diagnostics);
        Assert.That(root, Is.Null);
        Assert.That(diagnostics.Items.Single().Mark, Is.EqualTo(new SourceMark("f.yaml", 4, 3)));
        Assert.That(diagnostics.Items.Single().Message, Does.Contain("tab used as indentation"));
    }
}
