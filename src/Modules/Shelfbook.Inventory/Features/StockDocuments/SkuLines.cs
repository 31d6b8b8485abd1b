using Microsoft.EntityFrameworkCore;
using Shelfbook.Catalog.Contracts;
using Shelfbook.Kernel;

namespace Shelfbook.Inventory.Features.StockDocuments;

/// <summary>Finds the SKU of each typed line, by id or by code, alias or barcode; a line naming none, or a combo, is an error on that line.</summary>
internal static class SkuLines
{
    public static async Task<SkuSummary?[]> ResolveAsync(ISkuDirectory skus, IReadOnlyList<(Guid? Id, string? Code)> lines, InputCheck check, CancellationToken ct)
    {
        var byId = await skus.ByIdsAsync(lines.Where(l => l.Id is not null).Select(l => l.Id!.Value), ct);
        var byCode = await skus.FindByCodesAsync(lines.Where(l => l.Id is null && !string.IsNullOrWhiteSpace(l.Code)).Select(l => l.Code!.Trim()), ct);
        var result = new SkuSummary?[lines.Count];
        for (var i = 0; i < lines.Count; i++)
        {
            var (id, code) = lines[i];
            SkuSummary? sku = null;
            if (id is { } given)
            {
                if (!byId.TryGetValue(given, out sku)) check.Add($"lines[{i}].skuId", "unknown_sku", $"lines[{i}]: no SKU has the id {given}.", given);
            }
            else if (string.IsNullOrWhiteSpace(code)) check.Add($"lines[{i}].skuCode", "required", $"lines[{i}]: name the SKU by id or code.");
            else if (!byCode.TryGetValue(code.Trim(), out sku)) check.Add($"lines[{i}].skuCode", "unknown_sku", $"lines[{i}]: no SKU, alias or barcode is '{code.Trim()}'.", code.Trim());
            if (sku is { IsCombo: true })
            {
                check.Add($"lines[{i}].{(id is null ? "skuCode" : "skuId")}", "combo_not_stocked", $"lines[{i}]: {sku.Code} is a combo; stock its parts.", sku.Code);
                sku = null;
            }
            result[i] = sku;
        }
        return result;
    }
}
