namespace Workflows.Cli.Tests;

/// <summary>Two real `wf` processes on one project: per-step locks, live-run detection, interrupted runs.</summary>
[NonParallelizable]
public sealed class ConcurrencyTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private static string Library => Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "artifacts", "test-steps", "Workflows.Cli.Tests.Steps.dll"));
    private string _project = null!;

    private string Journal => Path.Combine(_project, "journal.txt");
    private string Release => Path.Combine(_project, "release");

    [SetUp]
    public void CreateProject()
    {
        _project = Directory.CreateTempSubdirectory("wf-procs-").FullName;
        Directory.CreateDirectory(Path.Combine(_project, ".wf"));
        File.WriteAllText(Path.Combine(_project, "wf.yaml"), $"""
            api_version: workflows/v1
            name: procs
            libraries: ['{Library}']
            tracking: {"{"} enabled: false {"}"}
            steps:
              slow: {"{"} uses: slow, with: {"{"} text: done, journal: '{Journal}', release: '{Release}' {"}"} {"}"}
              after: {"{"} uses: slow, with: {"{"} text: after, inputs: ['${"{{"} steps.slow.outputs.out {"}}"}'] {"}"} {"}"}
            """);
        Assert.That(File.Exists(Library), Is.True, $"the test step library is built by the test project: {Library}");
    }

    [TearDown]
    public void RemoveProject() => Directory.Delete(_project, recursive: true);

    [Test]
    public void Run_TwoProcessesAtOnce_SecondWaitsAndReusesTheStepTheFirstComputes()
    {
        using var first = WfProcess.Start(_project, "run", "wf.yaml");
        WaitFor(() => JournalLines().Contains($"start {first.Id}"));
        using var second = WfProcess.Start(_project, "run", "wf.yaml");
        // The second run records that it waits at the step's lock (were there no lock, it would be computing it).
        // (While a run goes on, its step updates are appended to steps.jsonl beside run.json.)
        WaitFor(() => Directory.GetFiles(Path.Combine(_project, ".wf", "runs"), "steps.jsonl", SearchOption.AllDirectories)
            .Any(f => File.ReadAllText(f).Contains("is computing this step")) || JournalLines().Length > 1);
        File.WriteAllText(Release, "");
        var (a, b) = (first.Wait(Timeout), second.Wait(Timeout));

        Assert.That(a.ExitCode, Is.Zero, a.Out + a.Error);
        Assert.That(b.ExitCode, Is.Zero, b.Out + b.Error);
        Assert.That(JournalLines(), Is.EqualTo(new[] { $"start {first.Id}", $"end {first.Id}" }), "exactly one process computed the step");
        Assert.That(b.Out, Does.Contain($"step 'slow' (pid {first.Id}, process started ").And.Contain("is computing this step (same fingerprint)"),
            "the waiting run names the run, step and process it waits for");
        var show = WfCommand.Run(_project, "show", "latest").Out + WfCommand.Run(_project, "runs").Out;
        Assert.That(show, Does.Contain("cached (computed meanwhile by run"));
        Assert.That(show, Does.Not.Contain("failed"));
    }

    [Test]
    public void Resume_WhileTheRunIsAlive_IsRefused_AndAfterAKillTheRunIsInterruptedAndResumes()
    {
        using var first = WfProcess.Start(_project, "run", "wf.yaml");
        WaitFor(() => JournalLines().Contains($"start {first.Id}"));
        var runId = Path.GetFileName(Directory.GetDirectories(Path.Combine(_project, ".wf", "runs")).Single());

        Assert.That(WfCommand.Run(_project, "runs").Out, Does.Match($"{runId}\\s+running"));
        var refused = WfCommand.Run(_project, "resume", runId);
        Assert.That(refused.ExitCode, Is.EqualTo(1));
        Assert.That(refused.Error, Does.Contain($"run {runId} is still running in process {first.Id}"));

        first.Kill();
        Assert.That(WfCommand.Run(_project, "runs").Out, Does.Match($"{runId}\\s+interrupted"));
        Assert.That(WfCommand.Run(_project, "show", runId).Out, Does.Contain("(interrupted, attempt 1)"));
        Assert.That(Directory.Exists(Path.Combine(_project, ".wf", "tmp", runId)), Is.True, "the killed process left its scratch folder");

        File.WriteAllText(Release, "");
        var resumed = WfProcess.Start(_project, "resume", runId).Wait(Timeout);
        Assert.That(resumed.ExitCode, Is.Zero, resumed.Out + resumed.Error);
        Assert.That(WfCommand.Run(_project, "runs").Out, Does.Match($"{runId}\\s+succeeded"));
        Assert.That(Directory.Exists(Path.Combine(_project, ".wf", "tmp", runId)), Is.False, "resume removes the dead run's scratch folder");
    }

    [Test]
    public void Gc_WhileARunIsAlive_IsRefused_AndAfterAKillRemovesItsScratchFolder()
    {
        using var first = WfProcess.Start(_project, "run", "wf.yaml");
        WaitFor(() => JournalLines().Contains($"start {first.Id}"));
        var busy = WfCommand.Run(_project, "gc", "--yes");
        Assert.That(busy.ExitCode, Is.EqualTo(1));
        Assert.That(busy.Error, Does.Contain("a run is using .wf/store"));

        first.Kill();
        var runId = Path.GetFileName(Directory.GetDirectories(Path.Combine(_project, ".wf", "runs")).Single());
        var dry = WfCommand.Run(_project, "gc");
        Assert.That(dry.Out, Does.Contain($".wf/tmp/{runId}").And.Contain("dry run"));
        Assert.That(Directory.Exists(Path.Combine(_project, ".wf", "tmp", runId)), Is.True);
        // The killed step's checkpoints stay: the interrupted run can still be resumed.
        Assert.That(dry.Out, Does.Not.Contain(".wf/checkpoints"));
        Assert.That(WfCommand.Run(_project, "gc", "--yes").ExitCode, Is.Zero);
        Assert.That(Directory.Exists(Path.Combine(_project, ".wf", "tmp", runId)), Is.False);
    }

    [Test]
    public void Run_TwoProcessesCommittingStepsAtOnce_EveryStepOfBothIsCached()
    {
        // Both append to the one cache journal at the same moments; a lost or interleaved line would be a miss below.
        const int steps = 25;
        foreach (var name in new[] { "a", "b" })
            File.WriteAllText(Path.Combine(_project, $"{name}.yaml"), $"api_version: workflows/v1\nname: {name}\nlibraries: ['{Library}']\n" +
                "tracking: { enabled: false }\nsteps:\n" + string.Concat(Enumerable.Range(0, steps).Select(i => $"  s{i}: {{ uses: slow, with: {{ text: {name}{i} }} }}\n")));
        using var a = WfProcess.Start(_project, "run", "a.yaml");
        using var b = WfProcess.Start(_project, "run", "b.yaml");
        var (first, second) = (a.Wait(Timeout), b.Wait(Timeout));
        Assert.That(first.ExitCode, Is.Zero, first.Out + first.Error);
        Assert.That(second.ExitCode, Is.Zero, second.Out + second.Error);

        var journal = File.ReadAllLines(Path.Combine(_project, ".wf", "cache", "entries.jsonl"));
        Assert.That(journal, Has.Length.EqualTo(2 * steps), "one whole line per computed step");
        foreach (var name in new[] { "a", "b" })
        {
            var again = WfProcess.Run(_project, Timeout, "run", $"{name}.yaml");
            Assert.That(again.Out, Does.Contain($"succeeded: {steps} cached"), again.Out + again.Error);
        }
    }

    private string[] JournalLines() => File.Exists(Journal) ? File.ReadAllLines(Journal) : [];

    private static void WaitFor(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail("timed out waiting for the other wf process");
            Thread.Sleep(50);
        }
    }
}
