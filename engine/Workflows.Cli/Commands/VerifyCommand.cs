using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Workflows.Engine.Runs;
using Workflows.Engine.Storage;

namespace Workflows.Cli.Commands;

/// <summary><c>wf verify</c>: reads every byte of every stored artifact and compares it with its manifest
/// (as <c>git fsck</c> does); names each damaged file and exits 1 when anything is damaged.</summary>
internal static class VerifyCommand
{
    public static Command Create()
    {
        var quarantine = new Option<bool>("--quarantine") { Description = "Move damaged artifacts to .wf/quarantine/ so the steps that made them run again" };
        var command = new Command("verify", "Check every stored artifact against its sha256 manifest; exit 1 on damage") { quarantine };
        command.SetAction(result =>
        {
            var layout = ProjectLayout.ForDirectory(Directory.GetCurrentDirectory());
            var store = new ArtifactStore(layout);
            var clock = Stopwatch.StartNew();
            var (checkedCount, bytes, damaged) = (0, 0L, 0);
            foreach (var digest in store.List())
            {
                checkedCount++;
                bytes += GarbageCollector.SizeOf(store.PathOf(digest));
                var problems = store.Problems(digest);
                if (problems.Count == 0) continue;
                damaged++;
                Console.WriteLine($"damaged  {store.PathOf(digest)}");
                foreach (var problem in problems) Console.WriteLine($"         {problem}");
                if (result.GetValue(quarantine)) Console.WriteLine($"         moved to {store.Quarantine(digest)}");
            }
            var corrupt = new RunRecordStore(layout).Corrupt();
            foreach (var (_, problem) in corrupt) Console.WriteLine($"corrupt  {problem}");
            var seconds = clock.Elapsed.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture);
            Console.WriteLine($"checked {checkedCount} artifact(s), {Size.Format(bytes)}, in {seconds}s: {(damaged == 0 ? "all intact" : $"{damaged} damaged")}" +
                              (corrupt.Count > 0 ? $"; {corrupt.Count} corrupt run record(s)" : ""));
            if (damaged > 0 && !result.GetValue(quarantine))
                Console.WriteLine("a step that reads a damaged artifact moves it aside and re-runs its producer; `wf verify --quarantine` does that now");
            return damaged > 0 || corrupt.Count > 0 ? 1 : 0;
        });
        return command;
    }
}
