using NUnit.Framework;
using Workflows.Engine.Tests.Support;

namespace Workflows.Engine.Tests.Validation;

public class WorkflowValidatorTests
{
    private const string Header = "api_version: workflows/v1\nname: t\n";

    private static IEnumerable<TestCaseData> BadWorkflows()
    {
        yield return new TestCaseData(Header + "steps:\n  a: { uses: echoo }\n", "workflow.yaml:4:14 step 'a': unknown step type 'echoo' — did you mean 'echo'? known step types: device_work, echo, make_model").SetName("UnknownStepType");
        yield return new TestCaseData(Header + "steps:\n  a: { uses: echo, with: { txet: hi } }\n", "workflow.yaml:4:28 step 'a': unknown option 'txet' — did you mean 'text'?").SetName("UnknownOption");
        yield return new TestCaseData(Header + "stepz: {}\nsteps:\n  a: { uses: echo }\n", "workflow.yaml:3:1 unknown top-level key 'stepz' — did you mean 'steps'?").SetName("UnknownTopLevelKey");
        yield return new TestCaseData(Header + "steps:\n  a: { uses: echo, wiht: {} }\n", "workflow.yaml:4:20 step 'a': unknown step key 'wiht' — did you mean 'with'?").SetName("UnknownStepKey");
        yield return new TestCaseData(Header + "steps:\n  a: { uses: echo, with: { level: 101 } }\n", "workflow.yaml:4:35 step 'a': level must be between 0 and 100, got 101").SetName("OutOfRange");
        yield return new TestCaseData(Header + "steps:\n  a: { uses: echo, with: { nested: { rank: 0 } } }\n", "workflow.yaml:4:44 step 'a': nested.rank must be between 1 and 512, got 0").SetName("NestedOutOfRange");
        yield return new TestCaseData(Header + "steps:\n  a: { uses: echo, with: { level: lots } }\n", "workflow.yaml:4:35 step 'a': level must be a whole number, got 'lots'").SetName("WrongScalarType");
        yield return new TestCaseData(Header + "steps:\n  a: { uses: echo, with: { mode: loud } }\n", "workflow.yaml:4:34 step 'a': mode must be one of plain, upper_case, got 'loud'").SetName("BadEnum");
        yield return new TestCaseData(Header + "steps:\n  m: { uses: make_model }\n", "workflow.yaml:4:3 step 'm': missing required option 'source' — add 'source:' under with").SetName("MissingRequired");
        yield return new TestCaseData(Header + "steps:\n  a: { uses: echo, with: { inputs: ['${{ steps.b.outputs.out }}'] } }\n", "workflow.yaml:4:37 step 'a': inputs[0]: unknown step 'b' in 'steps.b.outputs.out' — did you mean 'a'?").SetName("UnknownStepReference");
        yield return new TestCaseData(Header + "steps:\n  a: { uses: echo }\n  b: { uses: echo, with: { inputs: ['${{ steps.a.outputs.data }}'] } }\n", "workflow.yaml:5:37 step 'b': inputs[0]: step 'a' (echo) has no output 'data' — its outputs: out").SetName("UnknownOutput");
        yield return new TestCaseData(Header + "steps:\n  a: { uses: echo, with: { text: '${{ params.nope }}' } }\n", "workflow.yaml:4:34 step 'a': unknown param 'nope' — declare it under 'params:' at the top of the workflow").SetName("UnknownParam");
        yield return new TestCaseData(Header + "params: { f: x.bin }\nsteps:\n  m: { uses: make_model, with: { source: '${{ params.f }}' } }\n  a: { uses: echo, with: { inputs: ['${{ steps.m.outputs.model }}'] } }\n", "workflow.yaml:6:37 step 'a': inputs[0]: expects a dataset but 'steps.m.outputs.model' is a model — use an output of type dataset").SetName("WrongArtifactType");
        yield return new TestCaseData(Header + "steps:\n  a: { uses: echo, with: { inputs: ['${{ steps.b.outputs.out }}'] } }\n  b: { uses: echo, needs: [a] }\n", "workflow.yaml:5:3 step 'b': the steps form a cycle: b → a → b — remove one reference or 'needs' entry so the graph has no loop").SetName("Cycle");
        yield return new TestCaseData(Header + "steps:\n  a: { uses: echo }\n  a: { uses: echo }\n", "workflow.yaml:5:3 duplicate key 'a' — each key may appear once in a mapping; rename or remove one").SetName("DuplicateStep");
        yield return new TestCaseData("api_version: workflows/v9\nname: t\nsteps:\n  a: { uses: echo }\n", "workflow.yaml:1:14 unsupported api_version 'workflows/v9' — this wf reads 'workflows/v1'").SetName("UnsupportedApiVersion");
        yield return new TestCaseData(Header + "steps:\n  a: { uses: echo, needs: [zzz] }\n", "workflow.yaml:4:28 step 'a': needs unknown step 'zzz' — expected one of: a").SetName("UnknownNeeds");
        yield return new TestCaseData(Header + "steps:\n  a: { uses: echo, with: { text: '${{ steps.a.out }}' } }\n", "workflow.yaml:4:34 step 'a': text: cannot read expression '${{ steps.a.out }}' — write ${{ steps.NAME.outputs.OUTPUT }} or ${{ params.NAME }}").SetName("MalformedExpression");
        yield return new TestCaseData(Header + "device: tpu\nsteps:\n  a: { uses: echo }\n", "workflow.yaml:3:9 unknown device 'tpu' — use auto, cpu, cuda or cuda:N").SetName("UnknownDevice");
        yield return new TestCaseData(Header + "steps:\n  m: { uses: make_model, with: { source: missing.bin } }\n", "workflow.yaml:4:42 step 'm': source: 'missing.bin' not found").SetName("MissingInputFile");
    }

    [TestCaseSource(nameof(BadWorkflows))]
    public void Validate_BadWorkflow_ReportsFileLineColumnAndFix(string yaml, string expected)
    {
        using var project = new TempProject().Write(yaml);
        var loaded = project.Load();
        Assert.That(loaded.IsValid, Is.False);
        Assert.That(loaded.Diagnostics.Select(d => d.ToString().Replace(project.Root + "/", "")),
            Has.Some.StartsWith(expected), string.Join("\n", loaded.Diagnostics));
    }

    [Test]
    public void Validate_ManyProblems_ReportsAllAtOnce()
    {
        using var project = new TempProject().Write(Header + "colour: red\nsteps:\n  a: { uses: nope }\n  b: { uses: echo, with: { level: 900, txt: x } }\n  c: { uses: echo, needs: [q] }\n");
        var loaded = project.Load();
        Assert.That(loaded.Diagnostics, Has.Count.EqualTo(5), string.Join("\n", loaded.Diagnostics));
    }

    [Test]
    public void Validate_ParamOverrideOfUnknownParam_IsAnError()
    {
        using var project = new TempProject().Write(Header + "params: { rank: 8 }\nsteps:\n  a: { uses: echo }\n");
        var loaded = project.Load(new Dictionary<string, string> { ["rnak"] = "16" });
        Assert.That(loaded.Diagnostics.Select(d => d.ToString()), Has.Some.EqualTo("--set:1:1 unknown param 'rnak' — did you mean 'rank'?"));
    }

    [Test]
    public void Validate_GoodWorkflow_OrdersStepsTopologically()
    {
        using var project = new TempProject().Write(Header + "steps:\n  c: { uses: echo, with: { inputs: ['${{ steps.b.outputs.out }}'] } }\n  b: { uses: echo, with: { inputs: ['${{ steps.a.outputs.out }}'] } }\n  a: { uses: echo }\n  d: { uses: echo, needs: a }\n");
        var loaded = project.Load();
        Assert.That(loaded.IsValid, Is.True, string.Join("\n", loaded.Diagnostics));
        Assert.That(loaded.Workflow!.Order.Select(s => s.Name), Is.EqualTo(new[] { "a", "b", "c", "d" }));
        Assert.That(loaded.Workflow.Step("c").DependsOn, Is.EquivalentTo(new[] { "b" }));
    }
}
