using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Shelfbook.Logistics.Features.CarrierRules;
using Shelfbook.Logistics.Features.ManageCarriers;
using Shelfbook.Logistics.Features.RateTables;
using Shelfbook.Logistics.Features.Waybills;
using Shelfbook.Platform.Identity;
using Shelfbook.Platform.Spreadsheets;

namespace Shelfbook.Logistics;

internal static class LogisticsEndpoints
{
    public static void Map(IEndpointRouteBuilder group)
    {
        var carriers = group.MapGroup("/carriers").WithTags("Carriers 物流方式");
        carriers.MapGet("/", (ManageCarriers handler, CancellationToken ct) => handler.ListAsync(ct))
            .WithSummary("The carriers by code, each with its services and the warehouses that ship with them").RequirePermission(LogisticsPermissions.View);
        carriers.MapGet("/{id:guid}", (Guid id, ManageCarriers handler, CancellationToken ct) => handler.GetAsync(id, ct))
            .WithSummary("One carrier with its services").RequirePermission(LogisticsPermissions.View);
        carriers.MapPost("/", async (CarrierInput input, ManageCarriers handler, CancellationToken ct) => Results.Created((string?)null, await handler.CreateAsync(input, ct)))
            .WithSummary("Add a carrier with its services").RequirePermission(LogisticsPermissions.Manage);
        carriers.MapPut("/{id:guid}", (Guid id, CarrierInput input, ManageCarriers handler, CancellationToken ct) => handler.UpdateAsync(id, input, ct))
            .WithSummary("Change a carrier; services left out of the list are removed with their rate tables").RequirePermission(LogisticsPermissions.Manage);
        carriers.MapDelete("/{id:guid}", async (Guid id, ManageCarriers handler, CancellationToken ct) =>
            {
                await handler.DeleteAsync(id, ct);
                return Results.NoContent();
            })
            .WithSummary("Remove a carrier with its services and rate tables").RequirePermission(LogisticsPermissions.Manage);

        var tables = group.MapGroup("/rate-tables").WithTags("Rate tables 运费模板");
        tables.MapGet("/", (ManageRateTables handler, CancellationToken ct) => handler.ListAsync(ct))
            .WithSummary("The rate tables with their zone counts").RequirePermission(LogisticsPermissions.View);
        tables.MapGet("/{id:guid}", (Guid id, ManageRateTables handler, CancellationToken ct) => handler.GetAsync(id, ct))
            .WithSummary("One rate table with its zones (prices in fen, weights in grams)").RequirePermission(LogisticsPermissions.View);
        tables.MapPost("/", async (RateTableInput input, ManageRateTables handler, CancellationToken ct) => Results.Created((string?)null, await handler.CreateAsync(input, ct)))
            .WithSummary("Add a rate table: a service's prices from a warehouse (or from any), zone by zone").RequirePermission(LogisticsPermissions.Manage);
        tables.MapPut("/{id:guid}", (Guid id, RateTableInput input, ManageRateTables handler, CancellationToken ct) => handler.UpdateAsync(id, input, ct))
            .WithSummary("Change a rate table; its zones are replaced by those sent").RequirePermission(LogisticsPermissions.Manage);
        tables.MapDelete("/{id:guid}", async (Guid id, ManageRateTables handler, CancellationToken ct) =>
            {
                await handler.DeleteAsync(id, ct);
                return Results.NoContent();
            })
            .WithSummary("Remove a rate table").RequirePermission(LogisticsPermissions.Manage);
        tables.MapPost("/{id:guid}/import", async (Guid id, HttpRequest http, ManageRateTables handler, CancellationToken ct) =>
            {
                // An unknown table is a 404 whatever was sent; the form is read only for a table that exists.
                await handler.GetAsync(id, ct);
                var file = http.HasFormContentType ? (await http.ReadFormAsync(ct)).Files.GetFile("file") : null;
                await using var stream = await Workbooks.OpenUploadAsync(file, ct);
                return await handler.ImportAsync(id, stream, ct);
            })
            .WithSummary("Replace the zones with an xlsx (form field `file`; columns 分区, 目的地, 首重(克), 首重费用(元), 续重(克), 续重费用(元), 最低收费(元), 最大重量(克)); "
                         + "a row at fault changes nothing and is named in the answer")
            .DisableAntiforgery().RequirePermission(LogisticsPermissions.Manage);
        tables.MapGet("/{id:guid}/export", async (Guid id, ManageRateTables handler, CancellationToken ct) =>
                TypedResults.File(await handler.ExportAsync(id, ct), Workbooks.ContentType, "运费模板.xlsx"))
            .WithSummary("The zones as xlsx, in the import's columns (an example row when the table has none)").RequirePermission(LogisticsPermissions.View);

        group.MapGet("/quote", ([AsParameters] QuoteRequest request, ManageRateTables handler, CancellationToken ct) => handler.QuoteAsync(request, ct))
            .WithTags("Rate tables 运费模板")
            .WithSummary("运费试算: every service's freight for a parcel from a warehouse (weightGrams, volumeMm3, country, province), cheapest first")
            .RequirePermission(LogisticsPermissions.View);

        var rules = group.MapGroup("/carrier-rules").WithTags("Carrier rules 物流规则");
        rules.MapGet("/", (ManageCarrierRules handler, CancellationToken ct) => handler.ListAsync(ct))
            .WithSummary("The carrier rules, by priority").RequirePermission(LogisticsPermissions.View);
        rules.MapPost("/", async (CarrierRuleInput input, ManageCarrierRules handler, CancellationToken ct) => Results.Created((string?)null, await handler.CreateAsync(input, ct)))
            .WithSummary("Add a carrier rule").RequirePermission(LogisticsPermissions.Manage);
        rules.MapPut("/{id:guid}", (Guid id, CarrierRuleInput input, ManageCarrierRules handler, CancellationToken ct) => handler.UpdateAsync(id, input, ct))
            .WithSummary("Change a carrier rule").RequirePermission(LogisticsPermissions.Manage);
        rules.MapDelete("/{id:guid}", async (Guid id, ManageCarrierRules handler, CancellationToken ct) =>
            {
                await handler.DeleteAsync(id, ct);
                return Results.NoContent();
            })
            .WithSummary("Remove a carrier rule").RequirePermission(LogisticsPermissions.Manage);
    
        var accounts = group.MapGroup("/waybill-accounts").WithTags("Waybills 电子面单");
        accounts.MapGet("/", (ManageWaybillAccounts handler, CancellationToken ct) => handler.ListAsync(ct))
            .WithSummary("The carriers' 电子面单 accounts (never their secrets)").RequirePermission(LogisticsPermissions.View);
        accounts.MapPost("/", async (WaybillAccountInput input, ManageWaybillAccounts handler, CancellationToken ct) => Results.Created((string?)null, await handler.CreateAsync(input, ct)))
            .WithSummary("Add a carrier's waybill account: API address, app key, secret, customer code (月结卡号)").RequirePermission(LogisticsPermissions.Manage);
        accounts.MapPut("/{id:guid}", (Guid id, WaybillAccountInput input, ManageWaybillAccounts handler, CancellationToken ct) => handler.UpdateAsync(id, input, ct))
            .WithSummary("Change a waybill account; the secret only when one is sent").RequirePermission(LogisticsPermissions.Manage);
        accounts.MapDelete("/{id:guid}", async (Guid id, ManageWaybillAccounts handler, CancellationToken ct) =>
            {
                await handler.DeleteAsync(id, ct);
                return Results.NoContent();
            })
            .WithSummary("Remove a waybill account").RequirePermission(LogisticsPermissions.Manage);

        var senders = group.MapGroup("/senders").WithTags("Waybills 电子面单");
        senders.MapGet("/", (ManageWaybillAccounts handler, CancellationToken ct) => handler.SendersAsync(ct))
            .WithSummary("Every warehouse with its sender address (发件人), or none yet").RequirePermission(LogisticsPermissions.View);
        senders.MapPut("/{warehouseId:guid}", (Guid warehouseId, SenderInput input, ManageWaybillAccounts handler, CancellationToken ct) =>
                handler.SetSenderAsync(warehouseId, input, ct))
            .WithSummary("Set a warehouse's sender address, printed on its labels and sent with its waybill requests").RequirePermission(LogisticsPermissions.Manage);
    }
}
