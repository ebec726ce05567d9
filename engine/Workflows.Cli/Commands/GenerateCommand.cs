using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using Workflows.Steps.Adapters;
using Workflows.Steps.Train;
using Workflows.Torch;
using Workflows.Torch.Chat;
using Workflows.Torch.Chat.Jinja;
using Workflows.Torch.Devices;
using Workflows.Torch.Engine;
using Workflows.Torch.Generation;
using Workflows.Torch.Llama;

namespace Workflows.Cli.Commands;

/// <summary><c>wf generate &lt;model&gt; --prompt "…" [--adapter folder] [--template alpaca]</c>: continue a
/// prompt with a base model, optionally with a PEFT adapter applied and the prompt written in a training template.
/// <c>--prompts FILE [--batch N]</c> continues every prompt of a file, N at a time, and prints one JSON line each.</summary>
internal static class GenerateCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "Hugging Face model folder or llama2.c .bin file" };
        var prompt = new Option<string?>("--prompt") { Description = "Text to continue" };
        var promptsFile = new Option<string?>("--prompts") { Description = "File of prompts: .jsonl objects with a \"prompt\" string, or one prompt per line; prints one JSON line per prompt" };
        var batch = new Option<int>("--batch") { Description = "With --prompts: prompts generated together, each as it would be alone (default 16; 1 = one at a time)", DefaultValueFactory = _ => 16 };
        var maxTokens = new Option<int>("--max-tokens") { Description = "Most new tokens (default 200)", DefaultValueFactory = _ => 200 };
        var temperature = new Option<double>("--temperature") { Description = "0 for greedy (default), else sampling temperature", DefaultValueFactory = _ => 0.0 };
        var topP = new Option<double>("--top-p") { Description = "Nucleus sampling mass in (0, 1] (default 1)", DefaultValueFactory = _ => 1.0 };
        var topK = new Option<int>("--top-k") { Description = "Sample from the K most likely tokens; 0 = all (default)", DefaultValueFactory = _ => 0 };
        var seed = new Option<int>("--seed") { Description = "Sampling seed (default 0)", DefaultValueFactory = _ => 0 };
        var stop = new Option<string[]>("--stop") { Description = "Stop when the completion contains this text (repeatable)", AllowMultipleArgumentsPerToken = false };
        var device = new Option<string>("--device") { Description = "auto | cpu | cuda | cuda:N (default auto)", DefaultValueFactory = _ => "auto" };
        var dtype = new Option<string>("--dtype") { Description = "float32 (default) | bfloat16 | float16", DefaultValueFactory = _ => "float32" };
        var adapter = new Option<string?>("--adapter") { Description = "PEFT adapter folder (adapter_config.json + adapter_model.safetensors) applied to the model" };
        var template = new Option<string?>("--template") { Description = "Write the prompt as the user turn of a training template: alpaca | alpaca_short | chatml | plain | auto | llama3 | mistral | gemma | phi3" };

        var command = new Command("generate", "Continue a prompt with a Llama model (greedy or sampled)")
        {
            model, prompt, promptsFile, batch, maxTokens, temperature, topP, topK, seed, stop, device, dtype, adapter, template,
        };
        command.SetAction((ParseResult result, CancellationToken cancellationToken) => Task.FromResult(Run(result, cancellationToken)));
        return command;

        int Run(ParseResult result, CancellationToken cancellationToken)
        {
            try
            {
                if ((result.GetValue(prompt) is null) == (result.GetValue(promptsFile) is null))
                    throw new ArgumentException("give either --prompt TEXT or --prompts FILE");
                var fromFile = result.GetValue(promptsFile) is { } file ? PromptFile.Read(file) : null;
                var engine = DeviceEngine.Shared;
                engine.UseDevice(result.GetValue(device)!);
                var loaded = engine.Load(result.GetValue(model)!, new ModelLoadOptions { Dtype = result.GetValue(dtype)! });
                // The adapter runs as evaluate and guard run it: a QLoRA adapter on the NF4 base it records, with the
                // tokens it added (add_special_tokens), and auto reads the chat template it was trained with.
                var folder = result.GetValue(adapter) is { } given ? Path.GetFullPath(given) : null;
                using var applied = folder is null ? null : AdapterSupport.Applier.Apply(loaded, folder);
                if (applied?.BaseDescription is { } described) Console.Error.WriteLine($"wf generate: adapter on the {described}");
                var tokenizer = applied?.Tokenizer ?? loaded.Tokenizer;
                var chat = result.GetValue(template) is { } chatName && Enum.TryParse<PromptTemplate>(chatName, ignoreCase: true, out var kind) && PromptRenderer.IsChatTemplate(kind)
                    ? ChatTemplate.Load(PromptRenderer.ChatTemplateName(kind), ChatTemplateHome.Of(loaded.Path, folder), tokenizer)
                    : null;
                var stops = result.GetValue(stop) ?? [];
                var options = new GenerationOptions
                {
                    MaxTokens = result.GetValue(maxTokens),
                    Temperature = result.GetValue(temperature),
                    TopP = result.GetValue(topP),
                    TopK = result.GetValue(topK),
                    Seed = result.GetValue(seed),
                    StopStrings = stops,
                }.ForChat(chat);
                string Text(string user) => chat is not null ? chat.Render([new ChatTurn("user", user)], addGenerationPrompt: true)
                    : result.GetValue(template) is { } name
                        ? PromptRenderer.Prompt(Enum.Parse<PromptTemplate>(name.Replace("_", ""), ignoreCase: true), null, null, user)
                        : user;
                var network = applied?.Model ?? loaded.Model;

                if (fromFile is not null)
                {
                    var results = BatchGenerator.Generate(network, tokenizer, [.. fromFile.Select(Text)], options, result.GetValue(batch), cancellationToken);
                    foreach (var (user, generatedRow) in fromFile.Zip(results))
                    {
                        Console.Out.WriteLine(JsonSerializer.Serialize(new GeneratedLine(user, generatedRow.Completion, generatedRow.GeneratedTokens.Count, StopDescription(generatedRow.StopReason, chat)), LineJson));
                    }

                    Console.Error.WriteLine($"wf generate: {results.Count} prompts, {results.Sum(r => r.GeneratedTokens.Count)} tokens, batch {result.GetValue(batch)}");
                    return 0;
                }

                var generated = TextGenerator.Generate(network, tokenizer, Text(result.GetValue(prompt)!), options, cancellationToken);
                Console.Out.WriteLine(generated.Text);
                Console.Error.WriteLine($"wf generate: {generated.GeneratedTokens.Count} tokens, stopped: {StopDescription(generated.StopReason, chat)}");
                return 0;
            }
            catch (Exception e) when (e is ModelLoadException or DeviceUnavailableException or ArgumentException or InvalidDataException or JinjaException)
            {
                Console.Error.WriteLine($"wf generate: {e.Message}");
                return 1;
            }
            catch (OperationCanceledException)
            {
                Console.Error.WriteLine("wf generate: cancelled");
                return 130;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or System.Runtime.InteropServices.ExternalException)
            {
                // libtorch and file-system failures: still one line, never a stack trace.
                Console.Error.WriteLine($"wf generate: {e.GetType().Name}: {e.Message.Split('\n')[0]}");
                return 1;
            }
        }
    }

    private static string StopDescription(StopReason reason, ChatTemplate? chat) => reason switch
    {
        StopReason.EndOfSequence when chat?.EndOfTurnId is not null => $"end of turn or sequence token ({chat.EndOfTurn} is token {chat.EndOfTurnId})",
        StopReason.StopString when chat is { EndOfTurnId: null } => $"stop text (the end-of-turn marker {chat.EndOfTurn} or --stop)",
        _ => reason.ToString(),
    };

    private static readonly JsonSerializerOptions LineJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // One line of --prompts output; the prompt as given in the file, before any template.
    private sealed record GeneratedLine(
        [property: JsonPropertyName("prompt")] string Prompt,
        [property: JsonPropertyName("completion")] string Completion,
        [property: JsonPropertyName("tokens")] int Tokens,
        [property: JsonPropertyName("stop")] string Stop);
}
