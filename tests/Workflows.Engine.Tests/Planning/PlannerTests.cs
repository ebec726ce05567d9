using NUnit.Framework;
using Workflows.Engine.Planning;
using Workflows.Engine.Tests.Support;

namespace Workflows.Engine.Tests.Planning;

public class PlannerTests
{
    private const string Chain = """
        api_version: workflows/v1
        name: chain
        params: { level: 2 }
        steps:
          a: { uses: echo, with: { text: A, level: '${{ params.level }}' } }
          b: { uses: echo, with: { text: B, inputs: ['${{ steps.a.outputs.out }}'] } }
          c: { uses: echo, with: { text: C, inputs: ['${{ steps.b.outputs.out }}'] } }
          side: { uses: echo, with: { text: S } }
        """;

    [SetUp]
    public void Reset() => TestProbe.Reset();

    [Test]
    public void Plan_NoPreviousRun_RunsEverythingAndSaysWhy()
    {
        using var project = new TempProject().Write(Chain);
        var plan = project.Plan();
        Assert.That(plan.Steps.Select(s => (s.Step.Name, s.Decision, s.Reason)), Is.EqualTo(new[]
        {
            ("a", StepDecision.Run, "no previous run"),
            ("b", StepDecision.Run, "upstream 'a' will run"),
            ("c", StepDecision.Run, "upstream 'b' will run"),
            ("side", StepDecision.Run, "no previous run"),
        }));
    }

    [Test]
    public async Task Plan_AfterRun_EverythingCached()
    {
        using var project = new TempProject().Write(Chain);
        await project.RunAsync();
        Assert.That(project.Plan().Steps.Select(s => s.Decision), Is.All.EqualTo(StepDecision.Cached));
    }

    [Test]
    public async Task Plan_ChangedOption_NamesTheOptionWithOldAndNewValue()
    {
        using var project = new TempProject().Write(Chain);
        await project.RunAsync();
        var plan = project.Plan(overrides: new Dictionary<string, string> { ["level"] = "16" });
        Assert.That(plan.Step("a").Reason, Is.EqualTo("options changed: level 2→16"));
        Assert.That(plan.Step("b").Reason, Is.EqualTo("upstream 'a' will run"));
        Assert.That(plan.Step("side").Decision, Is.EqualTo(StepDecision.Cached));
    }

    [Test]
    public async Task Plan_ChangedInputFile_SaysInputChanged()
    {
        using var project = new TempProject().Write("api_version: workflows/v1\nname: m\nsteps:\n  m: { uses: make_model, with: { source: w.bin } }\n");
        project.WriteFile("w.bin", "one");
        await project.RunAsync();
        File.WriteAllText(Path.Combine(project.Root, "w.bin"), "two");
        Assert.That(project.Plan().Step("m").Reason, Is.EqualTo("input changed: source"));
    }

    [Test]
    public async Task Plan_Force_IgnoresCacheForThatStepOnly()
    {
        using var project = new TempProject().Write(Chain);
        await project.RunAsync();
        var plan = project.Plan(new StepSelection { Force = new HashSet<string> { "b" } });
        Assert.That(plan.Step("b").Decision, Is.EqualTo(StepDecision.Run));
        Assert.That(plan.Step("b").Reason, Is.EqualTo("forced (--force)"));
        Assert.That(plan.Step("a").Decision, Is.EqualTo(StepDecision.Cached));
    }

    [Test]
    public async Task Plan_ForceCachedStep_DependentsSayTheyAreCachedIfItReproduces()
    {
        using var project = new TempProject().Write(Chain);
        await project.RunAsync();
        var plan = project.Plan(new StepSelection { Force = new HashSet<string> { "a" } });
        Assert.That(plan.Step("b").Reason, Is.EqualTo("upstream 'a' will run; cached if forced 'a' reproduces its outputs"));
        Assert.That(plan.Step("c").Reason, Is.EqualTo("upstream 'b' will run; cached if forced 'a' reproduces its outputs"));
    }

    [Test]
    public void Plan_StepWithUncachedUpstream_ErrorNamesTheMissingStep()
    {
        using var project = new TempProject().Write(Chain);
        var plan = project.Plan(new StepSelection { Only = "c" });
        Assert.That(plan.Errors, Has.Some.Contains("step 'c' needs the outputs of 'a', which are not cached"));
    }

    [Test]
    public async Task Plan_StepOnCachedInputs_RunsOnlyThatStep()
    {
        using var project = new TempProject().Write(Chain);
        await project.RunAsync();
        var plan = project.Plan(new StepSelection { Only = "b" });
        Assert.That(plan.Errors, Is.Empty);
        Assert.That(plan.Steps.Select(s => (s.Step.Name, s.Decision)), Is.EqualTo(new[]
        {
            ("a", StepDecision.Cached), ("b", StepDecision.Run), ("c", StepDecision.NotSelected), ("side", StepDecision.NotSelected),
        }));
    }

    [Test]
    public async Task Plan_From_RunsStepAndDownstreamOnly()
    {
        using var project = new TempProject().Write(Chain);
        await project.RunAsync();
        var plan = project.Plan(new StepSelection { From = "b" });
        Assert.That(plan.Steps.Where(s => s.Decision == StepDecision.Run).Select(s => s.Step.Name), Is.EqualTo(new[] { "b", "c" }));
        Assert.That(plan.Step("side").Decision, Is.EqualTo(StepDecision.NotSelected));
    }

    [Test]
    public void Plan_UnknownSelectedStep_IsAnError()
    {
        using var project = new TempProject().Write(Chain);
        Assert.That(project.Plan(new StepSelection { Only = "nope" }).Errors, Has.Some.StartsWith("no step named 'nope'"));
    }
}
