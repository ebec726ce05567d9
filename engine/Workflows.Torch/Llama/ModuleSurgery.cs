using System.Reflection;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Workflows.Torch.Llama;

/// <summary>
/// Finds and swaps submodules by their checkpoint path (e.g. <c>model.layers.3.self_attn.q_proj</c>).
/// Adapters use it to wrap a projection: the wrapper replaces the field the forward pass calls and
/// takes its place in <c>named_parameters()</c>, so parameter names stay 1:1 with the checkpoint.
/// </summary>
public static class ModuleSurgery
{
    /// <summary>Every <see cref="Linear"/> below <paramref name="root"/>, with its dotted path.</summary>
    public static IEnumerable<(string Path, Linear Layer)> Linears(nn.Module root) =>
        root.named_modules().Where(m => m.module is Linear).Select(m => (m.name, (Linear)m.module));

    /// <summary>The module at <paramref name="path"/>.</summary>
    /// <exception cref="ArgumentException">No module has that path.</exception>
    public static nn.Module Get(nn.Module root, string path) =>
        root.named_modules().FirstOrDefault(m => m.name == path).module
        ?? throw new ArgumentException($"no module at '{path}'");

    /// <summary>
    /// Replaces the module at <paramref name="path"/> with <c>replace(old)</c> and returns the new
    /// one. The parent must hold it in a public field named like the last path segment (true for
    /// every projection in <see cref="LlamaForCausalLM"/>).
    /// </summary>
    public static nn.Module<Tensor, Tensor> Replace(nn.Module root, string path,
        Func<nn.Module<Tensor, Tensor>, nn.Module<Tensor, Tensor>> replace)
    {
        var cut = path.LastIndexOf('.');
        var parent = cut < 0 ? root : Get(root, path[..cut]);
        var name = path[(cut + 1)..];
        var field = parent.GetType().GetField(name, BindingFlags.Public | BindingFlags.Instance)
            ?? throw new ArgumentException($"'{path}' is not a replaceable field of {parent.GetType().Name}");
        if (field.GetValue(parent) is not nn.Module<Tensor, Tensor> current)
        {
            throw new ArgumentException($"'{path}' is not a tensor-to-tensor module");
        }

        var replacement = replace(current);
        if (!field.FieldType.IsInstanceOfType(replacement))
        {
            throw new ArgumentException($"'{path}' holds a {field.FieldType.Name}; cannot store a {replacement.GetType().Name}");
        }

        field.SetValue(parent, replacement);
        parent.register_module(name, null!);                 // TorchSharp refuses to re-register a name
        parent.register_module(name, replacement);
        return replacement;
    }
}
