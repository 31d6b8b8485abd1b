using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Shelfbook.Data;
using Shelfbook.Orders.Domain;

namespace Shelfbook.Orders.Data;

internal sealed class OrderConfiguration : IEntityTypeConfiguration<Order>
{
    public void Configure(EntityTypeBuilder<Order> builder)
    {
        builder.ToTable("orders");
        builder.HasKey(o => o.Id);
        builder.Property(o => o.OrderNo).HasMaxLength(Order.NoMax).IsOrdinal();
        builder.HasIndex(o => o.OrderNo).IsUnique();
        builder.Property(o => o.PlatformOrderNo).HasMaxLength(64).IsOrdinal();
        builder.HasIndex(o => o.PlatformOrderNo);
        builder.Property(o => o.Origin).HasConversion<string>().HasMaxLength(12);
        // A save of a tracked order carries the status it read in its WHERE: a move made meanwhile (a ship, an audit, an
        // intercept, all conditional updates) is never overwritten by a handler working from an older read.
        builder.Property(o => o.Status).HasConversion<string>().HasMaxLength(16).IsConcurrencyToken();
        builder.Property(o => o.HeldFrom).HasConversion<string>().HasMaxLength(16);
        builder.Property(o => o.HoldReason).HasMaxLength(200);
        builder.Property(o => o.Currency).HasMaxLength(3);
        builder.Property(o => o.CarrierCode).HasMaxLength(32);
        builder.Property(o => o.CarrierBy).HasMaxLength(120);
        builder.Property(o => o.AllocatedBy).HasMaxLength(120);
        builder.Property(o => o.RuleWarehouseBy).HasMaxLength(120);
        builder.Property(o => o.TrackingNo).HasMaxLength(64).IsOrdinal();
        // Search by tracking number looks up the whole value.
        builder.HasIndex(o => o.TrackingNo);
        // Orders the audit rules have not looked at yet: few at any time, found without reading the others.
        builder.HasIndex(o => new { o.RulesChecked, o.Status });
        foreach (var text in new[] { nameof(Order.BuyerNick), nameof(Order.Country), nameof(Order.Province), nameof(Order.City), nameof(Order.District), nameof(Order.PostalCode) })
            builder.Property(text).HasMaxLength(100);
        builder.Property(o => o.ReceiverName).HasMaxLength(300);
        builder.Property(o => o.ReceiverPhone).HasMaxLength(300);
        builder.Property(o => o.Address).HasMaxLength(1000);
        builder.Property(o => o.BuyerMessage).HasMaxLength(500);
        builder.Property(o => o.SellerMemo).HasMaxLength(500);
        // The list, newest first (keyset on created, order number): all orders, a status tab, a shop's status tab; each
        // index ends in the sort key so a page is read in order and never sorted. Search looks up whole values.
        builder.HasIndex(o => new { o.CreatedAt, o.OrderNo });
        builder.HasIndex(o => new { o.Status, o.CreatedAt, o.OrderNo });
        builder.HasIndex(o => new { o.ShopId, o.Status, o.CreatedAt, o.OrderNo });
        builder.HasIndex(o => o.ReceiverName);
        builder.HasIndex(o => o.ReceiverPhone);
        builder.HasIndex(o => o.ReissueOf);
        builder.HasIndex(o => o.MergedInto);
        builder.HasIndex(o => o.SplitFrom);
        builder.HasIndex(o => o.BuyerNick);
    }
}

internal sealed class OrderLineConfiguration : IEntityTypeConfiguration<OrderLine>
{
    public void Configure(EntityTypeBuilder<OrderLine> builder)
    {
        builder.ToTable("order_lines");
        builder.HasKey(l => l.Id);
        builder.HasIndex(l => new { l.OrderId, l.Position });
        builder.HasOne<Order>().WithMany().HasForeignKey(l => l.OrderId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(l => l.PlatformLineId).HasMaxLength(64);
        builder.Property(l => l.PlatformItemId).HasMaxLength(64);
        builder.Property(l => l.PlatformSkuId).HasMaxLength(64);
        builder.Property(l => l.SellerCode).HasMaxLength(64);
        builder.HasIndex(l => l.SellerCode);
        builder.Property(l => l.Title).HasMaxLength(200);
        builder.Property(l => l.Spec).HasMaxLength(200);
        builder.Property(l => l.SkuCode).HasMaxLength(64);
        builder.Property(l => l.ResolutionCode).HasMaxLength(32);
        builder.Property(l => l.ResolutionMessage).HasMaxLength(300);
    }
}

internal sealed class OrderItemConfiguration : IEntityTypeConfiguration<OrderItem>
{
    public void Configure(EntityTypeBuilder<OrderItem> builder)
    {
        builder.ToTable("order_items");
        builder.HasKey(i => i.Id);
        builder.HasIndex(i => i.OrderId);
        builder.HasIndex(i => i.SkuId);
        builder.HasOne<Order>().WithMany().HasForeignKey(i => i.OrderId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(i => i.SkuCode).HasMaxLength(64);
    }
}

internal sealed class OrderSourceLinkConfiguration : IEntityTypeConfiguration<OrderSourceLink>
{
    public void Configure(EntityTypeBuilder<OrderSourceLink> builder)
    {
        builder.ToTable("order_sources");
        // One system order per platform order: a second intake of the same one fails on this key and changes nothing.
        builder.HasKey(s => s.PlatformOrderId);
        builder.HasIndex(s => s.OrderId);
        builder.HasOne<Order>().WithMany().HasForeignKey(s => s.OrderId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(s => s.PlatformOrderNo).HasMaxLength(64).IsOrdinal();
    }
}

internal sealed class OrderLogEntryConfiguration : IEntityTypeConfiguration<OrderLogEntry>
{
    public void Configure(EntityTypeBuilder<OrderLogEntry> builder)
    {
        builder.ToTable("order_log");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).ValueGeneratedOnAdd();
        builder.HasIndex(e => new { e.OrderId, e.Id });
        builder.Property(e => e.From).HasConversion<string>().HasMaxLength(16);
        builder.Property(e => e.To).HasConversion<string>().HasMaxLength(16);
        builder.Property(e => e.Action).HasMaxLength(32);
        builder.Property(e => e.Reason).HasMaxLength(300);
        builder.Property(e => e.UserName).HasMaxLength(100);
    }
}

internal sealed class OrderEstimateConfiguration : IEntityTypeConfiguration<OrderEstimate>
{
    public void Configure(EntityTypeBuilder<OrderEstimate> builder)
    {
        builder.ToTable("order_estimates");
        builder.HasKey(e => e.OrderId);
        builder.HasOne<Order>().WithOne().HasForeignKey<OrderEstimate>(e => e.OrderId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(e => e.Currency).HasMaxLength(3);
        builder.Property(e => e.ServiceName).HasMaxLength(100);
        builder.Property(e => e.Problem).HasMaxLength(32);
    }
}

internal sealed class AllocationRuleConfiguration : IEntityTypeConfiguration<AllocationRule>
{
    public void Configure(EntityTypeBuilder<AllocationRule> builder)
    {
        builder.ToTable("allocation_rules");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Name).HasMaxLength(AllocationRule.NameMax);
    }
}

internal sealed class OrderSettingsConfiguration : IEntityTypeConfiguration<OrderSettings>
{
    public void Configure(EntityTypeBuilder<OrderSettings> builder)
    {
        builder.ToTable("order_settings");
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.AnomalyCurrency).HasMaxLength(3);
    }
}

internal sealed class OrderShipmentConfiguration : IEntityTypeConfiguration<OrderShipment>
{
    public void Configure(EntityTypeBuilder<OrderShipment> builder)
    {
        builder.ToTable("order_shipments");
        builder.HasKey(s => s.OrderId);
        builder.HasOne<Order>().WithMany().HasForeignKey(s => s.OrderId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(s => s.TrackingNo).HasMaxLength(64).IsOrdinal();
        builder.Property(s => s.CarrierCode).HasMaxLength(32);
        builder.Property(s => s.Mode).HasMaxLength(16);
    }
}

internal sealed class PresaleSkuConfiguration : IEntityTypeConfiguration<PresaleSku>
{
    public void Configure(EntityTypeBuilder<PresaleSku> builder)
    {
        builder.ToTable("presale_skus");
        builder.HasKey(p => p.Id);
        builder.HasIndex(p => p.SkuId).IsUnique();
        builder.Property(p => p.SkuCode).HasMaxLength(64);
        builder.Property(p => p.Note).HasMaxLength(PresaleSku.NoteMax);
    }
}

internal sealed class OrderNumberCounterConfiguration : IEntityTypeConfiguration<OrderNumberCounter>
{
    public void Configure(EntityTypeBuilder<OrderNumberCounter> builder)
    {
        builder.ToTable("order_number_counters");
        builder.HasKey(c => c.Day);
        builder.Property(c => c.Day).HasMaxLength(8);
    }
}

internal sealed class OrderJobConfiguration : IEntityTypeConfiguration<OrderJob>
{
    public void Configure(EntityTypeBuilder<OrderJob> builder)
    {
        builder.ToTable("order_jobs");
        builder.HasKey(j => j.Id);
        builder.Property(j => j.Action).HasConversion<string>().HasMaxLength(16);
        builder.Property(j => j.State).HasConversion<string>().HasMaxLength(16);
        builder.Property(j => j.Reason).HasMaxLength(300);
        builder.Property(j => j.CarrierCode).HasMaxLength(32);
        builder.Property(j => j.FromSkuCode).HasMaxLength(64);
        builder.Property(j => j.ToSkuCode).HasMaxLength(64);
        builder.Property(j => j.Selection).HasMaxLength(500);
        builder.Property(j => j.Error).HasMaxLength(1000);
        builder.Property(j => j.CreatedBy).HasMaxLength(100);
        builder.Property(j => j.LeaseOwner).HasMaxLength(64);
        builder.HasIndex(j => new { j.State, j.CreatedAt });
        builder.HasIndex(j => j.CreatedAt);
    }
}

internal sealed class OrderJobItemConfiguration : IEntityTypeConfiguration<OrderJobItem>
{
    public void Configure(EntityTypeBuilder<OrderJobItem> builder)
    {
        builder.ToTable("order_job_items");
        builder.HasKey(i => new { i.JobId, i.Seq });
        builder.HasOne<OrderJob>().WithMany().HasForeignKey(i => i.JobId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(i => i.Outcome).HasConversion<string>().HasMaxLength(16);
        builder.Property(i => i.OrderNo).HasMaxLength(Order.NoMax);
        builder.Property(i => i.Code).HasMaxLength(64);
        builder.Property(i => i.Message).HasMaxLength(500);
        builder.HasIndex(i => new { i.JobId, i.Outcome, i.Seq });
    }
}

internal sealed class AuditRuleConfiguration : IEntityTypeConfiguration<AuditRule>
{
    public void Configure(EntityTypeBuilder<AuditRule> builder)
    {
        builder.ToTable("audit_rules");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Name).HasMaxLength(AuditRule.NameMax);
        builder.Property(r => r.HoldReason).HasMaxLength(200);
        builder.Property(r => r.CarrierCode).HasMaxLength(32);
        builder.Property(r => r.AddTag).HasMaxLength(AuditRule.TagMax);
    }
}
