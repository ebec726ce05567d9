using System.Text.Json;
using Workflows.Torch.Adapters;
using Workflows.Torch.Checkpoints;
using Workflows.Torch.Llama;
using static TorchSharp.torch;

namespace Workflows.Steps.Train;

/// <summary>
/// Resumable checkpoints in the step's state folder: <c>step-N/</c> holds the adapter (PEFT
/// layout; the model itself for <c>method: full</c>), <c>optimizer.safetensors</c> and <c>state.json</c>; the file <c>latest</c> names the
/// newest complete one. A folder is written under a temporary name and renamed, and <c>latest</c>
/// is replaced in one move, so a kill at any moment leaves the previous checkpoint usable.
/// The best adapter so far (by validation loss) is kept the same way in <c>best/</c>.
/// </summary>
public static class TrainingCheckpoint
{
    private const string LatestFile = "latest";
    private const string OptimizerFile = "optimizer.safetensors";
    private const string StateFile = "state.json";
    private const string PreviousSuffix = ".old";
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>The folder of the best adapter so far (put back first if a kill interrupted its replacement).</summary>
    public static string BestFolder(string stateDirectory)
    {
        var best = Path.Combine(stateDirectory, "best");
        if (!Directory.Exists(best) && Directory.Exists(best + PreviousSuffix)) Directory.Move(best + PreviousSuffix, best);
        return best;
    }

    /// <summary>Writes a checkpoint of <paramref name="model"/>, <paramref name="optimizer"/> and <paramref name="state"/>.</summary>
    public static void Save(string stateDirectory, LlamaForCausalLM model, LoraConfig config, AdamW optimizer, TrainingState state)
    {
        var name = $"step-{state.Step:D8}";
        Publish(Path.Combine(stateDirectory, name), folder =>
        {
            FullFineTune.Save(model, config, folder);
            SafetensorsWriter.Write(Path.Combine(folder, OptimizerFile), optimizer.State().Select(p => KeyValuePair.Create(p.Key, p.Value.cpu())));
            File.WriteAllText(Path.Combine(folder, StateFile), JsonSerializer.Serialize(state, Json));
        });
        var latest = Path.Combine(stateDirectory, LatestFile);
        File.WriteAllText(latest + ".tmp", name);
        File.Move(latest + ".tmp", latest, overwrite: true);
        foreach (var old in Directory.EnumerateDirectories(stateDirectory, "step-*").Where(d => Path.GetFileName(d) != name))
        {
            Directory.Delete(old, recursive: true);
        }
    }

    /// <summary>Replaces the best adapter with the current one.</summary>
    public static void SaveBest(string stateDirectory, LlamaForCausalLM model, LoraConfig config) =>
        Publish(BestFolder(stateDirectory), folder => FullFineTune.Save(model, config, folder));

    /// <summary>
    /// Restores the newest checkpoint into <paramref name="model"/> (already injected with the same
    /// config) and <paramref name="optimizer"/>; null when there is none.
    /// </summary>
    public static TrainingState? TryRestore(string stateDirectory, LlamaForCausalLM model, AdamW optimizer)
    {
        var latest = Path.Combine(stateDirectory, LatestFile);
        if (!File.Exists(latest)) return null;
        var folder = Path.Combine(stateDirectory, File.ReadAllText(latest).Trim());
        using var moments = SafetensorsFile.Open(Path.Combine(folder, OptimizerFile));
        var state = JsonSerializer.Deserialize<TrainingState>(File.ReadAllText(Path.Combine(folder, StateFile)))!;
        FullFineTune.Restore(model, folder);

        optimizer.Restore(moments.Read, state.Step);
        return state;
    }

    // Writes into a temporary sibling and renames it over the target. The old target is moved aside,
    // not deleted, until the new one is in place: a kill between the two moves leaves it under
    // PreviousSuffix, and BestFolder puts it back.
    private static void Publish(string target, Action<string> write)
    {
        var temporary = target + ".tmp";
        var previous = target + PreviousSuffix;
        if (Directory.Exists(temporary)) Directory.Delete(temporary, recursive: true);
        write(temporary);
        if (Directory.Exists(target))
        {
            if (Directory.Exists(previous)) Directory.Delete(previous, recursive: true);
            Directory.Move(target, previous);
        }

        Directory.Move(temporary, target);
        if (Directory.Exists(previous)) Directory.Delete(previous, recursive: true);
    }
}
