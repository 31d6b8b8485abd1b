using Microsoft.EntityFrameworkCore;
using Shelfbook.Data;
using Shelfbook.Data.Tenancy;
using Shelfbook.Inventory.Domain;
using Shelfbook.Kernel;

namespace Shelfbook.Inventory.Features.StockDocuments;

public sealed record StockReasonInput(string? Code, string? Name, string? Direction, bool? Active = null, int? Sort = null);

public sealed record StockReasonView(string Code, string Name, string Direction, bool Active, int Sort);

/// <summary>The tenant's reason codes (出入库原因). Codes are never deleted (posted movements name them); they are switched off.</summary>
public sealed class ManageStockReasons(TenantDbContext db)
{
    public async Task<IReadOnlyList<StockReasonView>> ListAsync(bool activeOnly, CancellationToken ct) =>
        (await db.Set<StockReason>().AsNoTracking().Where(r => !activeOnly || r.Active).OrderBy(r => r.Sort).ThenBy(r => r.Code).ToListAsync(ct)).Select(View).ToList();

    public async Task<StockReasonView> CreateAsync(StockReasonInput input, CancellationToken ct)
    {
        var check = new InputCheck();
        var code = check.Required("code", input.Code, StockReason.CodeMax);
        if (code.Length > 0 && !code.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
            check.Add("code", "invalid_code", "A reason code uses letters, digits, '_' and '-' only.");
        var reason = new StockReason { Code = code.ToLowerInvariant() };
        Apply(reason, input, check);
        if (await db.Set<StockReason>().AnyAsync(r => r.Code == reason.Code, ct)) throw Duplicate(reason.Code);
        db.Set<StockReason>().Add(reason);
        await db.SaveOrExplainAsync(() => Task.FromException(Duplicate(reason.Code)), ct);
        return View(reason);
    }

    public async Task<StockReasonView> UpdateAsync(string code, StockReasonInput input, CancellationToken ct)
    {
        var reason = await db.Set<StockReason>().SingleOrDefaultAsync(r => r.Code == code, ct) ?? throw new NotFoundException("stock_reason", code);
        Apply(reason, input, new InputCheck());
        await db.SaveChangesAsync(ct);
        return View(reason);
    }

    private static void Apply(StockReason reason, StockReasonInput input, InputCheck check)
    {
        var name = check.Required("name", input.Name, 50);
        var direction = check.OneOf<ReasonDirection>("direction", input.Direction);
        if (input.Sort is < 0 or > 100_000) check.Add("sort", "out_of_range", "sort is between 0 and 100000.", 0, 100_000);
        check.ThrowIfAny();
        reason.Name = name;
        reason.Direction = direction!.Value;
        reason.Active = input.Active ?? reason.Active;
        reason.Sort = input.Sort ?? reason.Sort;
    }

    private static InputRejectedException Duplicate(string code) => new("code", "duplicate", $"The reason code '{code}' exists already.", code);

    private static StockReasonView View(StockReason r) => new(r.Code, r.Name, r.Direction.ToString(), r.Active, r.Sort);
}
