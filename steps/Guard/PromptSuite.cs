using Workflows.Engine.Steps;
using Workflows.Steps.EvalData;
using Workflows.Steps.Guard.Detectors;
using Workflows.Torch.Chat;
using Workflows.Torch.Generation;
using Workflows.Torch.Llama;
using Workflows.Torch.Tokenization;

namespace Workflows.Steps.Guard;

/// <summary>Sends each prompt through the model and checks the reply: rule findings, refusal, and the guard model's verdict.
/// Replies are generated <see cref="GuardOptions.BatchSize"/> at a time; each is the one the prompt gets alone.</summary>
internal static class PromptSuite
{
    public static List<GuardItem> Run(LlamaForCausalLM model, TextTokenizer tokenizer, IReadOnlyList<EvalExample> prompts, GuardOptions options,
        IReadOnlyList<IDetector> detectors, GuardClassifier? classifier, IStepContext context, CancellationToken ct, ChatTemplate? chat = null)
    {
        var generation = new GenerationOptions { MaxTokens = options.MaxNewTokens, StopStrings = options.StopStrings }.ForChat(chat);
        var requests = new List<(EvalExample Prompt, string Request)>();
        foreach (var prompt in prompts)
        {
            var request = PromptTemplate.Fill(options.PromptTemplate, prompt.Prompt);
            if (chat is not null) request = chat.Render([new ChatTurn("user", request)], addGenerationPrompt: true);
            if (tokenizer.Encode(request, generation.AddBos).Count >= model.Config.MaxPositionEmbeddings)
            {
                context.Log($"{prompt.Id}: prompt does not fit the model's context; skipped", StepLogLevel.Warning);
                continue;
            }
            requests.Add((prompt, request));
        }

        var replies = BatchGenerator.Generate(model, tokenizer, [.. requests.Select(r => r.Request)], generation, options.BatchSize, ct,
            done => context.ReportProgress(done / (requests.Count * 2.0), $"{done}/{requests.Count} replies"));
        var items = new List<GuardItem>();
        for (var i = 0; i < requests.Count; i++)
        {
            var (prompt, request) = requests[i];
            var reply = replies[i].Completion;
            var verdict = classifier?.Judge(request, reply, ct);
            items.Add(new GuardItem(prompt.Id, request, reply, RuleDetectors.Find(detectors, reply), RefusalDetector.IsRefusal(reply), verdict));
            context.ReportProgress((requests.Count + i + 1.0) / (requests.Count * 2.0), $"{i + 1}/{requests.Count} prompts checked");
        }
        return items;
    }
}
