using System.Text.Json;
using NUnit.Framework;
using Workflows.Torch.Engine;

namespace Workflows.Cli.Tests;

/// <summary>Commands that train restart themselves under <see cref="CompactHeap"/> (glibc reads its heap
/// settings only when a process starts), unless told to keep glibc's defaults.</summary>
public class CompactHeapRestartTests
{
    private static readonly string[] TinyCase = ["bench", "train", "--case", "lora:float32:1:chunked:false:compact", "--batch", "1", "--sequence", "8", "--steps", "1"];

    [Test]
    public void BenchTrainCase_StartedPlain_RunsUnderTheCompactHeap()
    {
        if (!OperatingSystem.IsLinux()) Assert.Ignore("GLIBC_TUNABLES are glibc's");
        Assert.That(HeapOf(new Dictionary<string, string>()), Is.EqualTo("compact"));
    }

    [Test]
    public void BenchTrainCase_OptedOut_KeepsGlibcDefaults()
    {
        if (!OperatingSystem.IsLinux()) Assert.Ignore("GLIBC_TUNABLES are glibc's");
        Assert.That(HeapOf(new Dictionary<string, string> { [CompactHeap.OptOutVariable] = "default" }), Is.EqualTo("glibc"));
    }

    private static string HeapOf(IReadOnlyDictionary<string, string> environment)
    {
        var result = WfProcess.Run(Path.GetTempPath(), environment, TimeSpan.FromMinutes(2), TinyCase);
        Assert.That(result.ExitCode, Is.Zero, result.Error);
        using var json = JsonDocument.Parse(result.Out.Trim().Split('\n')[^1]);
        return json.RootElement.GetProperty("Heap").GetString()!;
    }
}
