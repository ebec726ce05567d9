using Workflows.Engine.Steps;
using Workflows.Steps.EvalData;
using Workflows.Steps.Guard.Detectors;
using Workflows.Torch.Chat;
using Workflows.Torch.Generation;
using Workflows.Torch.Llama;
using Workflows.Torch.Tokenization;

namespace Workflows.Steps.Guard;

/// <summary>Sends each prompt through the model and checks the reply: rule findings, refusal, and the guard model's verdict.</summary>
internal static class PromptSuite
{
    public static List<GuardItem> Run(LlamaForCausalLM model, TextTokenizer tokenizer, IReadOnlyList<EvalExample> prompts, GuardOptions options,
        IReadOnlyList<IDetector> detectors, GuardClassifier? classifier, IStepContext context, CancellationToken ct, ChatTemplate? chat = null)
    {
        // A chat template ends the reply with its end-of-turn marker: its token when the tokenizer has one, else its text.
        var generation = new GenerationOptions
        {
            MaxTokens = options.MaxNewTokens, AddBos = chat is null,
            StopStrings = chat is { EndOfTurnId: null } ? [.. options.StopStrings, chat.EndOfTurn] : options.StopStrings,
            StopTokenIds = chat?.EndOfTurnId is { } id ? [id] : [],
        };
        var items = new List<GuardItem>();
        for (var i = 0; i < prompts.Count; i++)
        {
            var request = PromptTemplate.Fill(options.PromptTemplate, prompts[i].Prompt);
            if (chat is not null) request = chat.Render([new ChatTurn("user", request)], addGenerationPrompt: true);
            if (tokenizer.Encode(request, generation.AddBos).Count >= model.Config.MaxPositionEmbeddings)
            {
                context.Log($"{prompts[i].Id}: prompt does not fit the model's context; skipped", StepLogLevel.Warning);
                continue;
            }
            var reply = TextGenerator.Generate(model, tokenizer, request, generation, ct).Completion;
            var verdict = classifier?.Judge(request, reply, ct);
            items.Add(new GuardItem(prompts[i].Id, request, reply, RuleDetectors.Find(detectors, reply), RefusalDetector.IsRefusal(reply), verdict));
            context.ReportProgress((i + 1.0) / prompts.Count, $"{i + 1}/{prompts.Count} prompts");
        }
        return items;
    }
}
