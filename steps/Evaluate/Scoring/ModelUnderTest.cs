using Workflows.Torch.Llama;
using Workflows.Torch.Tokenization;

namespace Workflows.Steps.Evaluate.Scoring;

/// <summary>The base model or one adapted model, as the scorers see it.</summary>
/// <param name="Name"><c>base</c>, or the adapter's name in reports and metric keys.</param>
/// <param name="Source">The folder it came from.</param>
/// <param name="Model">The network to run (the shared base, or the base with an adapter applied).</param>
/// <param name="Tokenizer">The base model's tokenizer.</param>
/// <param name="Base">Which base an adapter runs on (NF4 as trained, or full precision), for the report; null for the base.</param>
/// <param name="TemplateHome">Where <c>chat_template: auto</c> reads <c>tokenizer_config.json</c>: the adapter's folder when it ships
/// one (the train step writes the template it trained with), else the base model's; null: <paramref name="Source"/>.</param>
internal sealed record ModelUnderTest(string Name, string Source, LlamaForCausalLM Model, TextTokenizer Tokenizer, string? Base = null, string? TemplateHome = null);
