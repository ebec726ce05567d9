using Workflows.Steps.Guard.GuardModel;
using Workflows.Torch.Engine;
using Workflows.Torch.Generation;

namespace Workflows.Steps.Guard;

/// <summary>Asks a Llama-Guard-style model for a verdict on one prompt/reply and parses its answer. A prompt that
/// does not fit the classifier's context is unparseable (with that reason), never a guess.</summary>
internal sealed class GuardClassifier(LoadedModel classifier, GuardModelOptions options)
{
    public GuardVerdict Judge(string request, string reply, CancellationToken ct)
    {
        var prompt = GuardPrompt.Build(request, options.Judges == GuardJudges.Response ? reply : null, options.Categories);
        var tokens = classifier.Tokenizer.Encode(prompt).Count;
        var context = classifier.Config.MaxPositionEmbeddings;
        if (tokens + 1 >= context)
            return new GuardVerdict(GuardOutcome.Unparseable, [], "", $"the guard prompt has {tokens} tokens; the guard model's context is {context}");
        var answer = TextGenerator.Generate(classifier.Model, classifier.Tokenizer, prompt,
            new GenerationOptions { MaxTokens = Math.Min(options.MaxNewTokens, context - tokens - 1) }, ct).Completion;
        return GuardVerdictParser.Parse(answer, options.Categories);
    }
}
