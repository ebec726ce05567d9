using System.Text.Json;

namespace Workflows.Torch.Chat.Jinja;

/// <summary>
/// A parsed chat template: the subset of Jinja that Hugging Face chat templates use, with the
/// environment transformers gives them (trim_blocks, lstrip_blocks, <c>raise_exception</c>,
/// <c>namespace</c>, a <c>tojson</c> that keeps non-ASCII text). Output is checked byte for byte
/// against @huggingface/jinja on the official templates of Llama 3.x, Qwen2.5/3, Gemma 2, Phi-3.5
/// and Mistral. No clock is offered (<c>strftime_now</c> is undefined), so renderings never change.
/// </summary>
public sealed class JinjaTemplate
{
    private readonly IReadOnlyList<Node> _nodes;

    private JinjaTemplate(IReadOnlyList<Node> nodes) => _nodes = nodes;

    /// <summary>Parses <paramref name="source"/>.</summary>
    /// <exception cref="JinjaException">Syntax errors and unsupported statements, with the line.</exception>
    public static JinjaTemplate Parse(string source) => new(Parser.Parse(source));

    /// <summary>Renders with <paramref name="context"/> (a JSON object: <c>messages</c>,
    /// <c>add_generation_prompt</c>, <c>bos_token</c>, <c>tools</c>…) as the template's variables.</summary>
    /// <exception cref="JinjaException">The template raised, or used something this engine lacks.</exception>
    public string Render(JsonElement context)
    {
        var scope = new Scope(null);
        scope.Set("raise_exception", (JinjaFunction)((args, _) =>
            throw new JinjaException(args.Count > 0 ? Values.Str(args[0]) : "the chat template raised an error") { RaisedByTemplate = true }));
        scope.Set("namespace", (JinjaFunction)((args, named) =>
        {
            var values = args.Count > 0 && args[0] is OrderedDictionary<string, object?> initial ? new OrderedDictionary<string, object?>(initial) : new OrderedDictionary<string, object?>(StringComparer.Ordinal);
            foreach (var (key, value) in named) values[key] = value;
            return new Namespace(values);
        }));
        scope.Set("range", (JinjaFunction)((args, _) =>
        {
            var bounds = args.Select(a => a as long? ?? throw new JinjaException("range needs integers")).ToList();
            var (start, stop, step) = bounds.Count switch { 1 => (0L, bounds[0], 1L), 2 => (bounds[0], bounds[1], 1L), _ => (bounds[0], bounds[1], bounds[2]) };
            var items = new List<object?>();
            for (var i = start; step > 0 ? i < stop : i > stop; i += step) items.Add(i);
            return items;
        }));
        var variables = new Scope(scope);
        if (context.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in context.EnumerateObject()) variables.Set(property.Name, Values.FromJson(property.Value));
        }

        return Interpreter.Run(_nodes, variables);
    }
}
