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
}
