using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Shelfbook.Data.Tenancy;
using Shelfbook.Inventory.Contracts;
using Shelfbook.Kernel;
using Shelfbook.Logistics.Domain;

namespace Shelfbook.Logistics.Features.Waybills;

/// <summary>
/// Waybill secrets at rest: protected by ASP.NET Data Protection (the installation's key ring), bound to the account, so
/// a value copied to another row does not open. An unreadable secret (the key ring changed) reads as none.
/// </summary>
public sealed class WaybillSecrets(IDataProtectionProvider protection)
{
    private IDataProtector For(Guid accountId) => protection.CreateProtector("Shelfbook.Logistics.Waybills", accountId.ToString("N"));

    public string Protect(Guid accountId, string secret) => For(accountId).Protect(secret);

    public string? Read(Guid accountId, string? protectedValue)
    {
        if (protectedValue is null) return null;
        try
        {
            return For(accountId).Unprotect(protectedValue);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }
}

/// <summary>An account as edited: the secret only when it changes (a new account needs one).</summary>
public sealed record WaybillAccountInput(Guid? CarrierId, string? ApiUrl, string? AppKey, string? AppSecret, string? CustomerCode, bool? Active);

/// <summary>An account as shown: never its secret, only whether one is set and readable.</summary>
public sealed record WaybillAccountView(Guid Id, Guid CarrierId, string CarrierCode, string CarrierName, string ApiUrl, string AppKey, string CustomerCode, bool Active,
    bool SecretSet, DateTime UpdatedAt);

public sealed record SenderInput(string? Name, string? Phone, string? Province, string? City, string? District, string? Address);

public sealed record SenderView(Guid WarehouseId, string WarehouseCode, string WarehouseName, string? Name, string? Phone, string? Province, string? City, string? District,
    string? Address);

/// <summary>电子面单设置: the carriers' waybill accounts (one per carrier) and each warehouse's sender address.</summary>
public sealed class ManageWaybillAccounts(TenantDbContext db, WaybillSecrets secrets)
{
    public async Task<IReadOnlyList<WaybillAccountView>> ListAsync(CancellationToken ct)
    {
        var rows = await (from a in db.Set<WaybillAccount>().AsNoTracking()
                          join c in db.Set<Carrier>().AsNoTracking() on a.CarrierId equals c.Id
                          orderby c.Code
                          select new { a, c.Code, c.Name }).ToListAsync(ct);
        return rows.Select(r => new WaybillAccountView(r.a.Id, r.a.CarrierId, r.Code, r.Name, r.a.ApiUrl, r.a.AppKey, r.a.CustomerCode, r.a.Active,
            secrets.Read(r.a.Id, r.a.ProtectedSecret) is not null, r.a.UpdatedAt)).ToList();
    }

    public async Task<WaybillAccountView> GetAsync(Guid id, CancellationToken ct) =>
        (await ListAsync(ct)).FirstOrDefault(a => a.Id == id) ?? throw new NotFoundException("waybill_account", id);

    public Task<WaybillAccountView> CreateAsync(WaybillAccountInput input, CancellationToken ct) => SaveAsync(new WaybillAccount(), input, ct);

    public async Task<WaybillAccountView> UpdateAsync(Guid id, WaybillAccountInput input, CancellationToken ct)
    {
        var account = await db.Set<WaybillAccount>().SingleOrDefaultAsync(a => a.Id == id, ct) ?? throw new NotFoundException("waybill_account", id);
        return await SaveAsync(account, input, ct);
    }

    public async Task DeleteAsync(Guid id, CancellationToken ct)
    {
        var account = await db.Set<WaybillAccount>().SingleOrDefaultAsync(a => a.Id == id, ct) ?? throw new NotFoundException("waybill_account", id);
        db.Remove(account);
        await db.SaveChangesAsync(ct);
    }

    private async Task<WaybillAccountView> SaveAsync(WaybillAccount account, WaybillAccountInput input, CancellationToken ct)
    {
        var isNew = db.Entry(account).State == EntityState.Detached;
        var check = new InputCheck();
        if (input.CarrierId is not { } carrierId) check.Add("carrierId", "required", "Choose the carrier.");
        else if (!await db.Set<Carrier>().AnyAsync(c => c.Id == carrierId, ct)) check.Add("carrierId", "unknown", $"No carrier {carrierId}.", carrierId);
        else if (await db.Set<WaybillAccount>().AnyAsync(a => a.CarrierId == carrierId && a.Id != account.Id, ct))
            check.Add("carrierId", "duplicate", "This carrier has a waybill account already.");
        var url = check.Required("apiUrl", input.ApiUrl, WaybillAccount.UrlMax);
        if (url.Length > 0 && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
            check.Add("apiUrl", "invalid_url", "The API address is an http or https address.");
        var key = check.Required("appKey", input.AppKey, WaybillAccount.KeyMax);
        var customer = check.Required("customerCode", input.CustomerCode, WaybillAccount.KeyMax);
        var secret = input.AppSecret?.Trim();
        if (string.IsNullOrEmpty(secret))
        {
            if (isNew) check.Add("appSecret", "required", "A new account needs its secret.");
        }
        else if (secret.Length > WaybillAccount.KeyMax) check.Add("appSecret", "too_long", $"At most {WaybillAccount.KeyMax} characters.", WaybillAccount.KeyMax);
        check.ThrowIfAny();

        if (isNew) db.Add(account);
        (account.CarrierId, account.ApiUrl, account.AppKey, account.CustomerCode) = (input.CarrierId!.Value, url, key, customer);
        (account.Active, account.UpdatedAt) = (input.Active ?? account.Active, db.Time.StoredUtcNow());
        if (!string.IsNullOrEmpty(secret)) account.ProtectedSecret = secrets.Protect(account.Id, secret);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            throw new InputRejectedException("carrierId", "duplicate", "This carrier has a waybill account already.");
        }
        return await GetAsync(account.Id, ct);
    }

    public async Task<IReadOnlyList<SenderView>> SendersAsync(CancellationToken ct)
    {
        var warehouses = await WarehouseQueries.Summaries(db).OrderBy(w => w.Code).ToListAsync(ct);
        var senders = await db.Set<SenderAddress>().AsNoTracking().ToDictionaryAsync(s => s.WarehouseId, ct);
        return warehouses.Select(w => senders.TryGetValue(w.Id, out var s)
            ? new SenderView(w.Id, w.Code, w.Name, s.Name, s.Phone, s.Province, s.City, s.District, s.Address)
            : new SenderView(w.Id, w.Code, w.Name, null, null, null, null, null, null)).ToList();
    }

    public async Task<SenderView> SetSenderAsync(Guid warehouseId, SenderInput input, CancellationToken ct)
    {
        if (!await WarehouseQueries.Summaries(db).AnyAsync(w => w.Id == warehouseId, ct)) throw new NotFoundException("warehouse", warehouseId);
        var check = new InputCheck();
        var name = check.Required("name", input.Name, SenderAddress.NameMax);
        var phone = check.Required("phone", input.Phone, SenderAddress.PhoneMax);
        if (phone.Length > 0 && !phone.All(c => char.IsAsciiDigit(c) || c is '-' or '+' or ' ')) check.Add("phone", "invalid_phone", "A phone number has digits, '-', '+' and spaces only.");
        var province = check.Required("province", input.Province, SenderAddress.AreaMax);
        var city = check.Required("city", input.City, SenderAddress.AreaMax);
        var district = check.Optional("district", input.District, SenderAddress.AreaMax) ?? "";
        var address = check.Required("address", input.Address, SenderAddress.AddressMax);
        check.ThrowIfAny();
        var sender = await db.Set<SenderAddress>().SingleOrDefaultAsync(s => s.WarehouseId == warehouseId, ct);
        if (sender is null) db.Add(sender = new SenderAddress { WarehouseId = warehouseId });
        (sender.Name, sender.Phone, sender.Province, sender.City, sender.District, sender.Address) = (name, phone, province, city, district, address);
        sender.UpdatedAt = db.Time.StoredUtcNow();
        await db.SaveChangesAsync(ct);
        return (await SendersAsync(ct)).Single(s => s.WarehouseId == warehouseId);
    }
}
