using NUnit.Framework;
using Workflows.Engine.Runs;
using Workflows.Engine.Storage;
using Workflows.Engine.Tests.Support;

namespace Workflows.Engine.Tests.Runs;

public class RunRecordStoreTests
{
    private const string Workflow = "api_version: workflows/v1\nname: t\nsteps:\n  a: { uses: echo, with: { text: A } }\n";

    [Test]
    public async Task Lookup_CorruptRecord_SaysCorruptWithPathAndWhatToDo()
    {
        using var project = new TempProject().Write(Workflow);
        var record = await project.RunAsync();
        var store = new RunRecordStore(new ProjectLayout(project.Root));
        var path = Path.Combine(store.DirectoryOf(record.Id), "run.json");
        File.WriteAllText(path, File.ReadAllText(path)[..40]);

        var lookup = store.Lookup(record.Id[..10]);
        Assert.That(lookup.Record, Is.Null);
        Assert.That(lookup.Problem, Does.StartWith($"the record of run {record.Id} is corrupt: {path} ("));
        Assert.That(lookup.Problem, Does.Contain("`wf run <workflow>` redoes only what is missing"));
        Assert.That(store.Corrupt().Single().Id, Is.EqualTo(record.Id));
        Assert.That(store.Lookup("nope").Problem, Does.StartWith("no run 'nope'"));
    }

    [Test]
    public async Task Load_RunningRecordWhoseProcessIsGone_ReadsAsInterrupted()
    {
        using var project = new TempProject().Write(Workflow);
        var record = await project.RunAsync();
        var store = new RunRecordStore(new ProjectLayout(project.Root));
        record.Status = RunStatus.Running; // what a killed process leaves behind
        store.Save(record);
        Assert.That(store.Load(record.Id)!.Status, Is.EqualTo(RunStatus.Interrupted));
        using (FileLock.TryAcquire(store.LockPathOf(record.Id), "a live run"))
            Assert.That(store.Load(record.Id)!.Status, Is.EqualTo(RunStatus.Running));
    }

    [Test]
    public async Task Run_ManySteps_WritesRecordBytesInProportionToSteps()
    {
        // Rewriting run.json at every step update costs about steps × record size (≈ 60× the final
        // record here); appending one line per update costs a few times the record's size.
        const int steps = 60;
        var yaml = new System.Text.StringBuilder("api_version: workflows/v1\nname: t\nsteps:\n");
        for (var i = 0; i < steps; i++) yaml.Append($"  s{i}: {{ uses: echo, with: {{ text: T{i} }} }}\n");
        using var project = new TempProject().Write(yaml.ToString());
        var writes = new RecordWrites();
        var record = await project.RunAsync(request: new Workflows.Engine.Execution.RunRequest { RecordWrites = writes });

        var store = new RunRecordStore(new ProjectLayout(project.Root));
        var size = new FileInfo(Path.Combine(store.DirectoryOf(record.Id), RunRecordStore.RecordFile)).Length;
        Assert.That(record.Status, Is.EqualTo(RunStatus.Succeeded));
        Assert.That(writes.FullRecords, Is.EqualTo(2), "run.json is written whole at the start and the end of a run only");
        Assert.That(writes.StepLines, Is.InRange(steps, 3 * steps));
        Assert.That(writes.Bytes, Is.LessThan(8 * size), $"{writes.Bytes} bytes written for a {size}-byte record");
        Assert.That(File.Exists(Path.Combine(store.DirectoryOf(record.Id), "steps.jsonl")), Is.False, "folded into run.json at the end");
    }

    [Test]
    public async Task Load_StepUpdatesAfterWholeRecord_AreFoldedInAndTornLastLineIgnored()
    {
        using var project = new TempProject().Write(Workflow.Replace("steps:\n", "steps:\n  b: { uses: echo, with: { text: B } }\n"));
        var record = await project.RunAsync();
        var store = new RunRecordStore(new ProjectLayout(project.Root));
        // What a process killed mid-run leaves: the whole record from its start, then step updates.
        record.Status = RunStatus.Running;
        var outputs = record.Step("a").Outputs;
        foreach (var step in record.Steps) (step.State, step.Outputs) = (StepState.Pending, []);
        store.Save(record);
        record.Step("a").State = StepState.Running;
        store.SaveStep(record, record.Step("a"));
        (record.Step("a").State, record.Step("a").Outputs) = (StepState.Succeeded, outputs);
        store.SaveStep(record, record.Step("a"));
        File.AppendAllText(Path.Combine(store.DirectoryOf(record.Id), "steps.jsonl"), "{\"attempt\":1,\"step\":{\"na");

        var loaded = store.Load(record.Id)!;
        Assert.That(loaded.Status, Is.EqualTo(RunStatus.Interrupted));
        Assert.That(loaded.Step("a").State, Is.EqualTo(StepState.Succeeded));
        Assert.That(loaded.Step("a").Outputs, Is.EqualTo(outputs));
        Assert.That(loaded.Step("b").State, Is.EqualTo(StepState.Pending));

        record.Attempts++; // a resumed attempt rewrites the record; the old attempt's lines no longer apply
        store.Save(record);
        Assert.That(File.Exists(Path.Combine(store.DirectoryOf(record.Id), "steps.jsonl")), Is.False);
        Assert.That(store.Load(record.Id)!.Step("a").State, Is.EqualTo(StepState.Succeeded));
    }
}
