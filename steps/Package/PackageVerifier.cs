using Workflows.Torch;
using Workflows.Torch.Adapters;
using Workflows.Torch.Checkpoints;
using Workflows.Torch.Generation;
using Workflows.Torch.Llama;
using Workflows.Torch.Tokenization;
using static TorchSharp.torch;

namespace Workflows.Steps.Package;

/// <summary>
/// Checks a written package the way a user would use it: the manifest matches every file, our own
/// loader reads it, and a greedy smoke generation runs with finite logits. A package that fails any
/// of these is never published.
/// </summary>
public static class PackageVerifier
{
    /// <summary>Verifies the package in <paramref name="folder"/>; for an adapter package,
    /// <paramref name="baseModel"/> (optional) is the model to apply it to.</summary>
    /// <returns>Null and the smoke text when the package is sound; otherwise the problem (one line each).</returns>
    public static (string? Problem, string? SmokeText) Verify(string folder, string? baseModel, string prompt, int tokens)
    {
        var problems = PackageChecksums.Verify(folder);
        if (problems.Count > 0) return ($"package {folder} is corrupted:\n  {string.Join("\n  ", problems)}", null);
        try
        {
            var isAdapter = File.Exists(Path.Combine(folder, PeftAdapterFiles.ConfigFile));
            if (isAdapter && baseModel is null) return (FiniteAdapter(folder), null);
            if (!isAdapter && !File.Exists(Path.Combine(folder, "config.json"))) return (null, null);     // GGUF only: checked in llama.cpp
            using var model = LlamaLoader.Load(isAdapter ? baseModel! : folder);
            var tokenizer = TokenizerLoader.ForModel(isAdapter ? baseModel! : folder, model.Config);
            if (isAdapter) PeftAdapterFiles.Load(model, folder);
            using (no_grad())
            {
                using var scope = NewDisposeScope();
                var ids = tensor(tokenizer.Encode(prompt).Select(i => (long)i).ToArray()).unsqueeze(0);   // (1, T)
                if (!model.forward(ids).isfinite().all().item<bool>()) return ($"package {folder}: the reloaded model produces NaN or Inf logits", null);
            }

            var result = TextGenerator.Generate(model, tokenizer, prompt, new GenerationOptions { MaxTokens = tokens });
            return (null, result.Text);
        }
        catch (Exception e) when (e is ModelLoadException or AdapterConfigException or InvalidOperationException or IOException or ArgumentException)
        {
            return ($"package {folder} does not load: {e.Message}", null);
        }
    }

    private static string? FiniteAdapter(string folder)
    {
        PeftAdapterFiles.ReadConfig(folder);
        using var file = SafetensorsFile.Open(Path.Combine(folder, PeftAdapterFiles.WeightsFile));
        foreach (var name in file.Names)
        {
            using var tensor = file.Read(name);
            if (!tensor.isfinite().all().item<bool>()) return $"package {folder}: adapter tensor {name} holds NaN or Inf";
        }

        return null;
    }
}
