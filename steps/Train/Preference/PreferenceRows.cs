using Workflows.Engine.Steps;
using Workflows.Steps.Datasets;
using Workflows.Torch.Chat;
using Workflows.Torch.Tokenization;

namespace Workflows.Steps.Train.Preference;

/// <summary>Reads a canonical dataset for a preference objective and reports what was skipped or cut.</summary>
public static class PreferenceRows
{
    public static async Task<(PreferenceData? Data, string? Error)> ReadAsync(string field, string folder, TrainOptions options,
        TextTokenizer tokenizer, int maxLength, IStepContext context, CancellationToken cancellationToken, ChatTemplate? chat = null)
    {
        if (!DatasetFile.Exists(folder)) return (null, $"{field}: no {DatasetFile.FileName} in '{folder}'; pass a split, augment or ingest output");
        var rows = await DatasetFile.ReadAllAsync(folder, cancellationToken);
        var (data, error) = PreferenceData.Build(rows, options, tokenizer, maxLength, field, chat);
        if (error is not null) return (null, error);
        var objective = options.Objective.ToString().ToLowerInvariant();
        if (data!.Items.Count == 0)
            return (null, $"{field}: none of its {rows.Count} rows ({PreferenceData.Kinds(rows)}) gives a {objective} example with template {options.Template.ToString().ToLowerInvariant()}; " +
                "check the dataset's chosen/rejected (or kto label) columns");
        if (data.Truncated > 0) context.Log($"{field}: {data.Truncated} answers longer than {maxLength} tokens with their prompt were truncated", StepLogLevel.Warning);
        if (data.Unusable > 0) context.Log($"{field}: {data.Unusable} rows skipped (not a complete {objective} example{(options.Objective == TrainObjective.Kto ? "" : $", or chosen and rejected identical within max_seq_len {maxLength}")})", StepLogLevel.Warning);
        return (data, null);
    }
}
