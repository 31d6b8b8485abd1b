using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Shelfbook.Migrations.Postgres.Tenant
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
                type: "character varying(120)",
                maxLength: 120,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "rule_warehouse_id",
                table: "orders",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "rules_checked",
                table: "orders",
                type: "boolean",
                nullable: false,
                defaultValue: true); // orders already there when the rules came are not looked at again

            migrationBuilder.AddColumn<List<string>>(
                name: "tags",
                table: "orders",
                type: "text[]",
                nullable: false);

            migrationBuilder.CreateTable(
                name: "audit_rules",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    priority = table.Column<int>(type: "integer", nullable: false),
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    active = table.Column<bool>(type: "boolean", nullable: false),
                    shop_ids = table.Column<List<Guid>>(type: "uuid[]", nullable: false),
                    platforms = table.Column<List<string>>(type: "text[]", nullable: false),
                    paid_min = table.Column<long>(type: "bigint", nullable: true),
                    paid_max = table.Column<long>(type: "bigint", nullable: true),
                    sku_codes = table.Column<List<string>>(type: "text[]", nullable: false),
                    category_ids = table.Column<List<Guid>>(type: "uuid[]", nullable: false),
                    brands = table.Column<List<string>>(type: "text[]", nullable: false),
                    provinces = table.Column<List<string>>(type: "text[]", nullable: false),
                    has_remark = table.Column<bool>(type: "boolean", nullable: true),
                    lines_min = table.Column<int>(type: "integer", nullable: true),
                    lines_max = table.Column<int>(type: "integer", nullable: true),
                    weight_min = table.Column<int>(type: "integer", nullable: true),
                    weight_max = table.Column<int>(type: "integer", nullable: true),
                    presale = table.Column<bool>(type: "boolean", nullable: true),
                    tags = table.Column<List<string>>(type: "text[]", nullable: false),
                    hold_reason = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    flag = table.Column<bool>(type: "boolean", nullable: false),
                    warehouse_id = table.Column<Guid>(type: "uuid", nullable: true),
                    carrier_code = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    add_tag = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: true),
                    auto_audit = table.Column<bool>(type: "boolean", nullable: false),
                    stop = table.Column<bool>(type: "boolean", nullable: false),
                    updated_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
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
