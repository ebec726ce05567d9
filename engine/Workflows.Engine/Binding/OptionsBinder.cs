using System.Collections;
using Workflows.Engine.Diagnostics;
using Workflows.Engine.Expressions;
using Workflows.Engine.Steps;
using Workflows.Engine.Yaml;

namespace Workflows.Engine.Binding;

/// <summary>Binds a step's <c>with:</c> mapping to its options record, resolving <c>${{ }}</c>
/// references and reporting every unknown key, missing option, bad value and out-of-range number.</summary>
public sealed class OptionsBinder(IReferenceResolver resolver, DiagnosticList diagnostics, string stepName)
{
    /// <summary>The artifact inputs met while binding, in order: the step's graph edges and cache inputs.</summary>
    public List<InputValue> Inputs { get; } = [];

    public object Bind(Type optionsType, YamlMapping? with, SourceMark stepMark) =>
        BindObject(optionsType, with ?? new YamlMapping(stepMark, []), "", stepMark);

    private object BindObject(Type type, YamlMapping map, string prefix, SourceMark ownerMark)
    {
        var instance = Activator.CreateInstance(type)
            ?? throw new InvalidOperationException($"{type.Name} needs a parameterless constructor");
        var properties = OptionProperty.Of(type);
        foreach (var (key, value) in map.Entries)
        {
            if (!properties.TryGetValue(key.Value, out var property))
            {
                Report(key.Mark, $"unknown option '{prefix}{key.Value}'", Suggestions.Hint(key.Value, properties.Keys.ToList()));
                continue;
            }
            var bound = BindValue(property.Info.PropertyType, value, prefix + key.Value, property.Input);
            if (bound is Unbound) continue;
            if (CheckRange(property, bound, prefix + key.Value, value.Mark)) property.Info.SetValue(instance, bound);
        }
        foreach (var (name, property) in properties)
            if (property.Required && map.Get(name) is null)
                Report(map.Entries.Count > 0 ? map.Mark : ownerMark, $"missing required option '{prefix}{name}'", $"add '{name}:' under {(prefix.Length == 0 ? "with" : prefix.TrimEnd('.'))}");

        if (instance is IValidatableOptions validatable && !diagnostics.HasErrors)
            foreach (var error in validatable.Validate())
                Report(MarkOf(map, error.Key) ?? map.Mark, $"{prefix}{error.Key}: {error.Message}", error.Hint);
        return instance;
    }

    private object? BindValue(Type target, YamlNode node, string key, InputAttribute? input)
    {
        if (node is YamlScalar scalar && scalar.Value.Contains("${{", StringComparison.Ordinal))
            return BindTemplate(target, scalar, key, input);

        var underlying = Nullable.GetUnderlyingType(target);
        if (node is YamlScalar { IsNull: true })
        {
            if (underlying is not null || !target.IsValueType) return null;
            Report(node.Mark, $"{key} needs a value", null);
            return Unbound.Value;
        }
        target = underlying ?? target;

        if (input is not null && target == typeof(string))
            return node is YamlScalar path ? Input(new InputValue(null, path.Value, path.Mark, key), input) : Mismatch(node, key, "a path or ${{ steps.X.outputs.Y }}");
        if (target == typeof(string))
            return node is YamlScalar s ? s.Value : Mismatch(node, key, "a single value");
        if (node is YamlScalar text && ScalarConverter.IsScalarType(target))
            return ScalarConverter.TryConvert(text.Value, target, out var value, out var expected) ? value : Mismatch(node, key, expected);

        var element = CollectionTypes.ElementOfList(target);
        if (element is not null)
        {
            var items = node is YamlSequence seq ? seq.Items : [node];
            var list = CollectionTypes.NewList(element);
            for (var i = 0; i < items.Count; i++)
            {
                var item = BindValue(element, items[i], $"{key}[{i}]", input);
                if (item is not Unbound) list.Add(item);
            }
            return target.IsArray ? CollectionTypes.ToArray(list, element) : list;
        }
        var valueType = CollectionTypes.ValueOfDictionary(target);
        if (valueType is not null)
        {
            if (node is not YamlMapping entries) return Mismatch(node, key, "a mapping");
            var dictionary = CollectionTypes.NewDictionary(valueType);
            foreach (var (k, v) in entries.Entries)
            {
                var item = BindValue(valueType, v, $"{key}.{k.Value}", input);
                if (item is not Unbound) dictionary[k.Value] = item;
            }
            return dictionary;
        }
        if (target.IsClass && !ScalarConverter.IsScalarType(target))
            return node is YamlMapping nested ? BindObject(target, nested, key + ".", node.Mark) : Mismatch(node, key, "a mapping");
        return Mismatch(node, key, ScalarConverter.Describe(target));
    }

    private object? BindTemplate(Type target, YamlScalar scalar, string key, InputAttribute? input)
    {
        if (!Template.TryParse(scalar.Value, out var template, out var error))
        {
            Report(scalar.Mark, $"{key}: {error}", "write ${{ steps.NAME.outputs.OUTPUT }} or ${{ params.NAME }}");
            return Unbound.Value;
        }
        switch (template.Whole)
        {
            case StepOutputReference output when input is not null:
                return Input(new InputValue(output, null, scalar.Mark, key), input);
            case StepOutputReference output:
                Report(scalar.Mark, $"{key} cannot take '{output}'", "only artifact inputs (datasets, models, adapters …) take step outputs");
                return Unbound.Value;
            case ParamReference param:
                var node = resolver.Param(param.Name);
                if (node is null) return UnknownParam(scalar, param);
                return BindValue(target, node with { Mark = scalar.Mark }, key, input);
        }
        var text = new System.Text.StringBuilder();
        foreach (var part in template.Parts)
        {
            switch (part)
            {
                case string literal: text.Append(literal); break;
                case ParamReference p when resolver.Param(p.Name) is YamlScalar value: text.Append(value.Value); break;
                case ParamReference p when resolver.Param(p.Name) is null: return UnknownParam(scalar, p);
                case WorkflowFieldReference f: text.Append(resolver.WorkflowField(f.Field)); break;
                default:
                    Report(scalar.Mark, $"{key}: '{part}' cannot be part of a longer text", "use it as the whole value");
                    return Unbound.Value;
            }
        }
        return BindValue(target, new YamlScalar(scalar.Mark, text.ToString(), IsPlain: template.Whole is not null), key, input);
    }

    private object Input(InputValue value, InputAttribute input)
    {
        Inputs.Add(value);
        return resolver.Input(value, input.Kind, (message, hint) => Report(value.Mark, $"{value.OptionKey}: {message}", hint)) ?? (object)Unbound.Value;
    }

    private object UnknownParam(YamlScalar scalar, ParamReference param)
    {
        Report(scalar.Mark, $"unknown param '{param.Name}'", "declare it under 'params:' at the top of the workflow");
        return Unbound.Value;
    }

    private bool CheckRange(OptionProperty property, object? value, string key, SourceMark mark)
    {
        if (property.Range is { } range && value is IConvertible number && value is not string and not bool)
        {
            var x = Convert.ToDouble(number, System.Globalization.CultureInfo.InvariantCulture);
            var min = Convert.ToDouble(range.Minimum, System.Globalization.CultureInfo.InvariantCulture);
            var max = Convert.ToDouble(range.Maximum, System.Globalization.CultureInfo.InvariantCulture);
            if (x < min || x > max || double.IsNaN(x))
            {
                Report(mark, $"{key} must be between {range.Minimum} and {range.Maximum}, got {value}", null);
                return false;
            }
        }
        if (property.MinLength is { } minLength && value is ICollection { Count: var count } && count < minLength.Length)
        {
            Report(mark, $"{key} needs at least {minLength.Length} item(s), got {count}", null);
            return false;
        }
        return true;
    }

    private object Mismatch(YamlNode node, string key, string expected)
    {
        var found = node switch { YamlScalar s => $"'{s.Value}'", YamlMapping => "a mapping", _ => "a list" };
        Report(node.Mark, $"{key} must be {expected}, got {found}", null);
        return Unbound.Value;
    }

    private static SourceMark? MarkOf(YamlMapping map, string dottedKey)
    {
        YamlNode? node = map;
        foreach (var part in dottedKey.Split('.'))
            node = (node as YamlMapping)?.Get(part);
        return node?.Mark;
    }

    private void Report(SourceMark mark, string message, string? hint) => diagnostics.Add(mark, stepName, message, hint);

    /// <summary>Marks a value that failed to bind (already reported), distinct from a bound null.</summary>
    private sealed class Unbound
    {
        public static readonly Unbound Value = new();
    }
}
