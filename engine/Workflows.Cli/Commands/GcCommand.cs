using System.CommandLine;
using Workflows.Engine.Caching;
using Workflows.Engine.Storage;

namespace Workflows.Cli.Commands;

/// <summary><c>wf gc</c>: lists what <c>.wf/</c> holds that nothing needs (dry run), and with <c>--yes</c>
/// removes it, as <c>dvc gc</c> does. It takes the store lock, so it never runs beside a live run.</summary>
internal static class GcCommand
{
    public static Command Create()
    {
        var yes = new Option<bool>("--yes", "--force", "-f") { Description = "Remove them (without it gc only lists what it would remove)" };
        var keepRuns = new Option<int>("--keep-runs")
        {
            Description = "Also keep the outputs of this many newest runs (runs that can be resumed are always kept)",
            DefaultValueFactory = _ => 1,
        };
        var command = new Command("gc", "Remove artifacts, checkpoints and scratch files that no cache entry or kept run needs") { yes, keepRuns };
        command.SetAction(result =>
        {
            var layout = ProjectLayout.ForDirectory(Directory.GetCurrentDirectory());
            using var storeLock = StoreLock.TryExclusive(layout);
            if (storeLock is null)
            {
                Console.Error.WriteLine("a run is using .wf/store (`wf runs` shows it as running); run `wf gc` again once it has ended");
                return 1;
            }
            var items = new GarbageCollector(layout).Collectable(result.GetValue(keepRuns));
            var total = items.Sum(i => i.Bytes);
            var remove = result.GetValue(yes);
            // One line per fingerprint whose artifacts are still stored: the journal grows with every computed step.
            if (remove) new RunCache(layout, new ArtifactStore(layout)).Compact();
            if (items.Count == 0)
            {
                Console.WriteLine("nothing to remove: everything under .wf/ is needed");
                return 0;
            }
            Console.WriteLine(remove ? $"removing {items.Count} item(s), {Size.Format(total)}:" : $"would remove {items.Count} item(s), {Size.Format(total)}:");
            foreach (var item in items) Console.WriteLine($"  {Size.Format(item.Bytes),9}  {Path.GetRelativePath(layout.Root, item.Path)}  {item.What}");
            if (remove) GarbageCollector.Remove(items);
            else Console.WriteLine("dry run: nothing removed; `wf gc --yes` removes them");
            return 0;
        });
        return command;
    }
}
