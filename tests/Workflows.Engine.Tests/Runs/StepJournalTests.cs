using NUnit.Framework;
using Workflows.Engine.Runs;

namespace Workflows.Engine.Tests.Runs;

/// <summary>Reading a run's <c>steps.jsonl</c>: whole (a record's reader) or by what was appended (a follower).</summary>
public class StepJournalTests
{
    private string _run = "";

    [SetUp]
    public void CreateRunFolder() => _run = Directory.CreateTempSubdirectory("wf-journal-").FullName;

    [TearDown]
    public void DeleteRunFolder() => Directory.Delete(_run, recursive: true);

    private static StepRecord Step(string name, StepState state) => new() { Name = name, Type = "echo", State = state };

    private string Path_ => Path.Combine(_run, StepJournal.File);

    [Test]
    public void Entries_TornLineBetweenWholeOnesAndUnfinishedLast_SkipsBothKeepsTheRest()
    {
        StepJournal.Append(_run, 1, Step("a", StepState.Running));
        File.AppendAllText(Path_, "{\"attempt\":1,\"step\":{\"na\n"); // a writer stopped mid-line, then others appended
        StepJournal.Append(_run, 1, Step("b", StepState.Succeeded));
        File.AppendAllText(Path_, "{\"attempt\":1,\"step\":{\"name\":\"c\",\"type\":\"echo\",\"state\":\"succeeded\"}}"); // no '\n' yet

        var entries = StepJournal.Entries(StepJournal.Read(_run)).ToList();
        Assert.That(entries.Select(e => (e.Step.Name, e.Step.State)), Is.EqualTo(new[] { ("a", StepState.Running), ("b", StepState.Succeeded) }));
        Assert.That(StepJournal.Entries(null), Is.Empty);
    }

    [Test]
    public void Apply_LinesOfAnotherAttempt_AreNotApplied()
    {
        var record = new RunRecord { Id = "r", WorkflowFile = "w", WorkflowName = "t", WorkflowVersion = 1, ContentHash = "h", Attempts = 2, Steps = [Step("a", StepState.Pending), Step("b", StepState.Pending)] };
        StepJournal.Append(_run, 2, Step("a", StepState.Succeeded));
        StepJournal.Append(_run, 1, Step("b", StepState.Failed));
        StepJournal.Apply(StepJournal.Read(_run), record);
        Assert.That(record.Steps.Select(s => s.State), Is.EqualTo(new[] { StepState.Succeeded, StepState.Pending }));
    }

    [Test]
    public void TailUpdate_AppendsOverSeveralLooks_ReadsEachByteOnceAndWaitsForAWholeLine()
    {
        var tail = new StepJournalTail(_run, attempt: 2);
        Assert.That(tail.Update(), Is.False, "no journal yet");
        StepJournal.Append(_run, 2, Step("a", StepState.Running));
        Assert.That(tail.Update(), Is.True);
        Assert.That(tail.Update(), Is.False, "nothing new");
        const string half = "{\"attempt\":1,\"step\":{\"name\":\"b\",\"type\":\"echo\",";
        File.AppendAllText(Path_, half);
        Assert.That(tail.Update(), Is.False, "half a line waits for its end");
        File.AppendAllText(Path_, "\"state\":\"succeeded\"}}\n");
        StepJournal.Append(_run, 2, Step("a", StepState.Succeeded));
        Assert.That(tail.Update(), Is.True);

        Assert.That(tail.Latest("a")!.State, Is.EqualTo(StepState.Succeeded));
        Assert.That(tail.Latest("b")!.State, Is.EqualTo(StepState.Succeeded), "any attempt");
        Assert.That(tail.OfAttempt("b"), Is.Null, "written by attempt 1");
        Assert.That(tail.OfAttempt("a")!.State, Is.EqualTo(StepState.Succeeded));
        Assert.That(tail.Latest("c"), Is.Null);
        var length = new FileInfo(Path_).Length;
        Assert.That(tail.BytesRead, Is.EqualTo(length + half.Length), "each byte once, but the half line twice (before and after its end)");
    }

    [Test]
    public void TailUpdate_JournalFoldedAndBegunAgain_ReadsTheNewOneFromItsStart()
    {
        var tail = new StepJournalTail(_run, attempt: 1);
        StepJournal.Append(_run, 1, Step("a", StepState.Running));
        StepJournal.Append(_run, 1, Step("a", StepState.Succeeded));
        tail.Update();
        StepJournal.Drop(_run);
        Assert.That(tail.Update(), Is.False);
        StepJournal.Append(_run, 1, Step("b", StepState.Failed));
        Assert.That(tail.Update(), Is.True);
        Assert.That(tail.OfAttempt("b")!.State, Is.EqualTo(StepState.Failed));
    }
}
