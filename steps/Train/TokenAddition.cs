using Workflows.Engine.Steps;
using Workflows.Torch.Adapters;
using Workflows.Torch.Chat;
using Workflows.Torch.Llama;
using Workflows.Torch.Tokenization;

namespace Workflows.Steps.Train;

/// <summary>
/// The tokenizer and chat template a run trains with: <c>add_special_tokens</c> grows the tokenizer,
/// the model's vocabulary (mean-initialised rows) and the adapter (trainable rows of the new ids), and the
/// adapter folder receives the tokenizer files, so every later step tokenises as training did. With
/// <c>method: full</c> the new rows are simply part of the weights that train, as after transformers'
/// <c>resize_token_embeddings</c>.
/// </summary>
/// <param name="Tokenizer">The tokenizer, with the added tokens.</param>
/// <param name="Added">The added tokens by text; empty when none.</param>
/// <param name="Chat">The chat template, or null for the fixed text formats.</param>
public sealed record TokenAddition(TextTokenizer Tokenizer, IReadOnlyDictionary<string, int> Added, ChatTemplate? Chat)
{
    /// <summary>Adds the tokens <paramref name="options"/> ask for to <paramref name="tokenizer"/> and
    /// <paramref name="model"/>; returns what training uses and the adapter config that records the rows.</summary>
    /// <exception cref="ModelLoadException">The tokenizer cannot take added tokens, or the template no longer loads.</exception>
    /// <exception cref="AdapterConfigException">The rows do not fit the model.</exception>
    public static (TokenAddition Addition, LoraConfig Config) Apply(TrainOptions options, string modelPath, LlamaForCausalLM model, LoraConfig config,
        TextTokenizer tokenizer, ChatTemplate? chat, IStepContext context)
    {
        var texts = options.AddSpecialTokens.SelectMany(t => t == TrainOptions.AutoTokens ? chat?.MarkersAsText ?? [] : [t]);
        var added = AddedTokens.Number(tokenizer, texts);
        if (added.Count > 0)
        {
            var before = model.Config.VocabSize;
            tokenizer = tokenizer.WithAddedTokens(added);
            var indices = TrainableTokenRows.For(model, added.Values.Order().ToList());
            if (options.Method == TrainMethod.Full)
            {
                model.ResizeTokenEmbeddings(added.Values.Max() + 1);                          // new rows keep the weights' requires_grad: they train
            }
            else
            {
                TrainableTokenRows.Attach(model, indices);
                config = config with { TrainableTokenIndices = indices };
            }

            if (chat is not null) chat = ChatTemplate.Load(chat.Name, modelPath, tokenizer);
            context.Log($"added {added.Count} special tokens ({string.Join(", ", added.OrderBy(p => p.Value).Select(p => $"{p.Key} = {p.Value}"))}); vocabulary {before} → {model.Config.VocabSize}, " +
                $"their rows of {string.Join(" and ", indices.Keys)} train with {(options.Method == TrainMethod.Full ? "the model" : "the adapter")}");
        }

        if (chat is not null)
        {
            context.Log($"template {chat.Name}: assistant turns end with {chat.EndOfTurn}" + (chat.EndOfTurnId is { } id ? $" (token {id})" : " (written as text: not a token of this tokenizer)"));
            if (chat.MarkersAsText.Count > 0)
            {
                context.Log($"template {chat.Name}: {string.Join(", ", chat.MarkersAsText)} are not tokens of {Path.GetFileName(tokenizer.Source)}; they are trained as ordinary text " +
                    "and generation stops on the text (add_special_tokens: [auto] adds them as tokens)", StepLogLevel.Warning);
            }
        }

        return (new TokenAddition(tokenizer, added, chat), config);
    }

    /// <summary>Writes the tokenizer files beside the adapter (with the chat template) when tokens were added
    /// or a chat template was used; a tokenizer that cannot be written is skipped when nothing was added.</summary>
    public void WriteFiles(string folder)
    {
        if (Added.Count == 0 && Chat is null) return;
        try
        {
            AddedTokens.WriteTokenizerFiles(Tokenizer, Added, Chat?.Source, folder);
        }
        catch (Torch.ModelLoadException) when (Added.Count == 0)
        {
            // A llama2.c tokenizer export has no Hugging Face form to carry a template; later steps use the base's.
        }
    }
}
