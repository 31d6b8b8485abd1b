using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Shelfbook.Migrations.Postgres.Tenant
{
    /// <inheritdoc />
    public partial class OrderSettingsAndGoodsAllocation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<List<Guid>>(
                name: "category_ids",
                table: "allocation_rules",
                type: "uuid[]",
                nullable: false,
                defaultValueSql: "'{}'");

            migrationBuilder.AddColumn<List<string>>(
                name: "sku_codes",
                table: "allocation_rules",
                type: "text[]",
                nullable: false,
                defaultValueSql: "'{}'");

            migrationBuilder.CreateTable(
                name: "order_settings",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false),
                    split_by_warehouse = table.Column<bool>(type: "boolean", nullable: false),
                    anomaly_below_cost_percent = table.Column<int>(type: "integer", nullable: true),
                    anomaly_above = table.Column<long>(type: "bigint", nullable: true),
                    anomaly_currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    auto_merge = table.Column<bool>(type: "boolean", nullable: false),
                    updated_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_order_settings", x => x.id);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "order_settings");

            migrationBuilder.DropColumn(
                name: "category_ids",
                table: "allocation_rules");

            migrationBuilder.DropColumn(
                name: "sku_codes",
                table: "allocation_rules");
        }
    }
}
