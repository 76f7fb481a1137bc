/**
 * Admin console API: member administration, departments and the company's security settings, on top
 * of the identity module's services. Every endpoint acts only within the caller's company and
 * checks the caller's admin role.
 */
@NullMarked
package dev.musubi.admin;

import org.jspecify.annotations.NullMarked;
