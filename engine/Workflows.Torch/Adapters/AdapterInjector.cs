using System.Text.RegularExpressions;
using TorchSharp;
using TorchSharp.Modules;
using Workflows.Torch.Llama;
using static TorchSharp.torch;

namespace Workflows.Torch.Adapters;

/// <summary>
/// Applies a <see cref="LoraConfig"/> to a model: wraps every targeted linear layer in a
/// <see cref="LoraLinear"/> (over an <see cref="Nf4Linear"/> for QLoRA) and freezes everything else.
/// It changes the model it is given, so give it a private copy, never the engine's shared base.
/// </summary>
public static class AdapterInjector
{
    /// <summary>
    /// Wraps the layers <paramref name="config"/> targets and returns their paths. With
    /// <paramref name="quantiseBase"/>, every linear layer of the model (targeted or not) is first
    /// stored as NF4, as QLoRA does. A and B are drawn from torch's global generator seeded with
    /// <paramref name="seed"/>, so the same seed gives the same initial adapter.
    /// </summary>
    /// <exception cref="AdapterConfigException">A target matches nothing, or the rank does not fit a layer.</exception>
    public static IReadOnlyList<string> Apply(nn.Module model, LoraConfig config, Nf4Options? quantiseBase = null, long seed = 0)
    {
        var linears = ModuleSurgery.Linears(model).Select(l => l.Path).ToList();
        var targets = Resolve(linears, config.TargetModules);
        if (config.Rank < 1) throw new AdapterConfigException($"lora.rank must be at least 1, got {config.Rank}");
        if (config.Dropout is < 0 or >= 1) throw new AdapterConfigException($"lora.dropout must be in [0, 1), got {config.Dropout}");
        foreach (var path in targets)
        {
            var weight = ((Linear)ModuleSurgery.Get(model, path)).weight!;               // the parameter itself: never dispose it
            var limit = Math.Min(weight.shape[0], weight.shape[1]);
            if (config.Rank > limit) throw new AdapterConfigException($"lora.rank {config.Rank} is larger than {path} allows (min(in, out) = {limit}); use a rank of at most {limit}");
        }

        foreach (var parameter in model.parameters()) parameter.requires_grad = false;
        if (quantiseBase is not null)
        {
            // The output head stays in full precision, as in QLoRA: it is small next to the layers and sensitive.
            foreach (var path in linears.Where(p => !p.EndsWith("lm_head", StringComparison.Ordinal)))
            {
                ModuleSurgery.Replace(model, path, layer => Quantise((Linear)layer, quantiseBase));
            }
        }

        torch.manual_seed(seed);
        foreach (var path in targets) ModuleSurgery.Replace(model, path, layer => new LoraLinear(layer, config));
        // New modules start in training mode; a model loaded for inference must not start dropping
        // adapter inputs because an adapter was put on it.
        if (!model.training) model.eval();
        return targets;
    }

    /// <summary>The wrapped layers of <paramref name="model"/>, by path.</summary>
    public static IEnumerable<(string Path, LoraLinear Layer)> Adapters(nn.Module model) =>
        model.named_modules().Where(m => m.module is LoraLinear).Select(m => (m.name, (LoraLinear)m.module));

    /// <summary>The trainable parameters (A, B and DoRA magnitudes), by path.</summary>
    public static IEnumerable<(string Name, Parameter Parameter)> TrainableParameters(nn.Module model) =>
        model.named_parameters().Where(p => p.parameter.requires_grad);

    /// <summary>
    /// The linear-layer paths matching <paramref name="targets"/>: each is a last segment, a full
    /// path, or a regular expression matching a whole path.
    /// </summary>
    /// <exception cref="AdapterConfigException">A target matches no layer; the message lists the valid names.</exception>
    public static IReadOnlyList<string> Resolve(IReadOnlyList<string> linearPaths, IReadOnlyList<string> targets)
    {
        if (targets.Count == 0) throw new AdapterConfigException("lora.target_modules is empty; name at least one layer, e.g. q_proj");
        var chosen = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var target in targets)
        {
            var matches = linearPaths.Where(path => Matches(path, target)).ToList();
            if (matches.Count == 0)
            {
                var names = linearPaths.Select(p => p[(p.LastIndexOf('.') + 1)..]).Distinct().Order(StringComparer.Ordinal);
                throw new AdapterConfigException($"lora.target_modules: '{target}' matches no linear layer; valid names: {string.Join(", ", names)} (or a full path such as {linearPaths.FirstOrDefault()})");
            }

            chosen.UnionWith(matches);
        }

        return linearPaths.Where(chosen.Contains).ToList();                 // model order
    }

    private static bool Matches(string path, string target)
    {
        if (path == target || path.EndsWith("." + target, StringComparison.Ordinal)) return true;
        if (target.All(c => char.IsLetterOrDigit(c) || c is '_' or '.')) return false;
        try
        {
            return Regex.IsMatch(path, $"^(?:{target})$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException e)
        {
            throw new AdapterConfigException($"lora.target_modules: '{target}' is not a valid regular expression ({e.Message})");
        }
    }

    private static Nf4Linear Quantise(Linear layer, Nf4Options options)
    {
        var weight = layer.weight!;
        return new Nf4Linear(weight, options, layer.bias);
    }
}
