using System.Text;
using NUnit.Framework;
using Workflows.Engine.Storage;

namespace Workflows.Engine.Tests.Storage;

public class AppendedLinesTests
{
    private string _folder = null!;

    [SetUp]
    public void SetUp() => _folder = Directory.CreateTempSubdirectory("wf-appended-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_folder, recursive: true);

    [Test]
    public void Read_LineStillBeingWritten_WaitsForItsEndThenGivesOnlyTheNewLines()
    {
        var path = Path.Combine(_folder, "j.jsonl");
        var lines = new AppendedLines(path);
        File.WriteAllText(path, "a\nb\nhal");
        Assert.That(Text(lines, out _), Is.EqualTo("a\nb\n"));
        File.AppendAllText(path, "f\nc\n");
        Assert.That(Text(lines, out var restarted), Is.EqualTo("half\nc\n"));
        Assert.That(restarted, Is.False);
        Assert.That(Text(lines, out _), Is.Empty);
    }

    [Test]
    public void Read_FileRewrittenShorter_SaysSoAndReadsItFromTheStart()
    {
        var path = Path.Combine(_folder, "j.jsonl");
        var lines = new AppendedLines(path);
        File.WriteAllText(path, "first\nsecond\nthird\n");
        Text(lines, out _);
        File.WriteAllText(path, "kept\n");
        Assert.That(Text(lines, out var restarted), Is.EqualTo("kept\n"));
        Assert.That(restarted, Is.True);
    }

    [Test]
    public void Read_FileGoneThenBegunAgain_ReadsTheNewOneFromItsFirstByte()
    {
        var path = Path.Combine(_folder, "j.jsonl");
        var lines = new AppendedLines(path);
        Assert.That(Text(lines, out _), Is.Empty, "no file yet");
        File.WriteAllText(path, "one\ntwo\n");
        Text(lines, out _);
        File.Delete(path);
        Assert.That(Text(lines, out _), Is.Empty);
        File.WriteAllText(path, "three and more\n");
        Assert.That(Text(lines, out _), Is.EqualTo("three and more\n"));
    }

    private static string Text(AppendedLines lines, out bool restarted) => Encoding.UTF8.GetString(lines.Read(out restarted).Span);
}
