using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Shelfbook.Migrations.Postgres.Tenant
{
    /// <inheritdoc />
    public partial class OrderMergeSplit : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "merged_into",
                table: "orders",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "split_from",
                table: "orders",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_orders_merged_into",
                table: "orders",
                column: "merged_into");

            migrationBuilder.CreateIndex(
                name: "ix_orders_split_from",
                table: "orders",
                column: "split_from");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_orders_merged_into",
                table: "orders");

            migrationBuilder.DropIndex(
                name: "ix_orders_split_from",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "merged_into",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "split_from",
                table: "orders");
        }
    }
}
