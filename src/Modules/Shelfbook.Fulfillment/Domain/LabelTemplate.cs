using Shelfbook.Data.Audit;
using Shelfbook.Kernel;

namespace Shelfbook.Fulfillment.Domain;

public sealed record LabelTemplateInput(string? Name, int? WidthMm, int? HeightMm, IReadOnlyList<string>? Fields, string? CarrierCode = null, bool? IsDefault = null);

/// <summary>
/// 面单模板: the size of a label and what it shows. A carrier's template prints that carrier's labels; the default one
/// prints the rest (without any: 100×150 mm with every field). The carrier, the tracking number as Code 128, the
/// receiver and the sender are on every label (a carrier refuses a label without them); the rest is chosen.
/// </summary>
[Audited(AuditCategory.System, "label_template", Ignore = [nameof(UpdatedAt), nameof(NormalizedName)])]
public sealed class LabelTemplate
{
    public const int NameMax = 50;

    /// <summary>Every label has these: a carrier scans and delivers by them.</summary>
    public static readonly string[] RequiredFields = ["carrier", "barcode", "receiver", "sender"];

    /// <summary>What a template may add: the sorting slot, the order number and units, the goods, the weight, the seller's remark.</summary>
    public static readonly string[] OptionalFields = ["slot", "order", "goods", "weight", "remark"];

    public static readonly string[] AllFields = [.. RequiredFields, .. OptionalFields];

    /// <summary>The thermal label of every carrier in China when a tenant has no template: 100×150 mm, every field.</summary>
    public static readonly LabelTemplate BuiltIn = new() { Name = "100×150", WidthMm = 100, HeightMm = 150, Fields = string.Join(",", AllFields) };

    public Guid Id { get; private set; } = Guid.CreateVersion7();
    public string Name { get; private set; } = "";
    public string NormalizedName { get; private set; } = "";
    public int WidthMm { get; private set; }
    public int HeightMm { get; private set; }

    /// <summary>The fields shown, comma-separated, in <see cref="AllFields"/> order.</summary>
    public string Fields { get; private set; } = "";

    /// <summary>The carrier whose labels this prints (upper case); none: any carrier's, when it is the default.</summary>
    public string? CarrierCode { get; private set; }

    public bool IsDefault { get; private set; }
    public DateTime UpdatedAt { get; private set; }

    public IReadOnlySet<string> FieldSet => Fields.Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet();

    public static LabelTemplate Create(LabelTemplateInput input, DateTime now)
    {
        var template = new LabelTemplate();
        template.Update(input, now);
        return template;
    }

    public void Update(LabelTemplateInput input, DateTime now)
    {
        var check = new InputCheck();
        var name = check.Required("name", input.Name, NameMax);
        if (input.WidthMm is not (>= 50 and <= 210)) check.Add("widthMm", "out_of_range", "The width is 50 to 210 mm.", 50, 210);
        if (input.HeightMm is not (>= 50 and <= 300)) check.Add("heightMm", "out_of_range", "The height is 50 to 300 mm.", 50, 300);
        var fields = (input.Fields ?? []).Select(f => f?.Trim().ToLowerInvariant() ?? "").ToList();
        for (var i = 0; i < fields.Count; i++)
            if (!AllFields.Contains(fields[i])) check.Add($"fields[{i}]", "unknown_field", $"fields[{i}]: {fields[i]} is not a label field ({string.Join(", ", AllFields)}).", fields[i]);
        var missing = RequiredFields.Where(f => !fields.Contains(f)).ToList();
        if (missing.Count > 0)
            check.Add("fields", "missing_required_field", $"A label must show {string.Join(", ", missing)}: carriers refuse labels without them.", string.Join(", ", missing));
        var carrier = check.Optional("carrierCode", input.CarrierCode, 32)?.ToUpperInvariant();
        check.ThrowIfAny();
        (Name, NormalizedName, WidthMm, HeightMm) = (name, name.ToUpperInvariant(), input.WidthMm!.Value, input.HeightMm!.Value);
        Fields = string.Join(",", AllFields.Where(fields.Contains));
        (CarrierCode, IsDefault, UpdatedAt) = (carrier, input.IsDefault ?? IsDefault, now);
    }

    public void ClearDefault(DateTime now) => (IsDefault, UpdatedAt) = (false, now);
}
