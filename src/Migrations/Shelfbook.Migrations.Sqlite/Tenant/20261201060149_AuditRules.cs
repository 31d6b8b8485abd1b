using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Shelfbook.Migrations.Sqlite.Tenant
{
    /// <inheritdoc />
    public partial class AuditRules : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "rule_warehouse_by",
                table: "orders",
                type: "TEXT",
                maxLength: 120,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "rule_warehouse_id",
                table: "orders",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "rules_checked",
                table: "orders",
                type: "INTEGER",
                nullable: false,
                defaultValue: true); // orders already there when the rules came are not looked at again

            migrationBuilder.AddColumn<string>(
                name: "tags",
                table: "orders",
                type: "TEXT",
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.CreateTable(
                name: "audit_rules",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    priority = table.Column<int>(type: "INTEGER", nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    active = table.Column<bool>(type: "INTEGER", nullable: false),
                    shop_ids = table.Column<string>(type: "TEXT", nullable: false),
                    platforms = table.Column<string>(type: "TEXT", nullable: false),
                    paid_min = table.Column<long>(type: "INTEGER", nullable: true),
                    paid_max = table.Column<long>(type: "INTEGER", nullable: true),
                    sku_codes = table.Column<string>(type: "TEXT", nullable: false),
                    category_ids = table.Column<string>(type: "TEXT", nullable: false),
                    brands = table.Column<string>(type: "TEXT", nullable: false),
                    provinces = table.Column<string>(type: "TEXT", nullable: false),
                    has_remark = table.Column<bool>(type: "INTEGER", nullable: true),
                    lines_min = table.Column<int>(type: "INTEGER", nullable: true),
                    lines_max = table.Column<int>(type: "INTEGER", nullable: true),
                    weight_min = table.Column<int>(type: "INTEGER", nullable: true),
                    weight_max = table.Column<int>(type: "INTEGER", nullable: true),
                    presale = table.Column<bool>(type: "INTEGER", nullable: true),
                    tags = table.Column<string>(type: "TEXT", nullable: false),
                    hold_reason = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    flag = table.Column<bool>(type: "INTEGER", nullable: false),
                    warehouse_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    carrier_code = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    add_tag = table.Column<string>(type: "TEXT", maxLength: 30, nullable: true),
                    auto_audit = table.Column<bool>(type: "INTEGER", nullable: false),
                    stop = table.Column<bool>(type: "INTEGER", nullable: false),
                    updated_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_audit_rules", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_orders_rules_checked_status",
                table: "orders",
                columns: new[] { "rules_checked", "status" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "audit_rules");

            migrationBuilder.DropIndex(
                name: "ix_orders_rules_checked_status",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "rule_warehouse_by",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "rule_warehouse_id",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "rules_checked",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "tags",
                table: "orders");
        }
    }
}
