/** Identity REST API: sign-in, my account, directory, operator and first-start setup. */
@NullMarked
package dev.musubi.identity.web;

import org.jspecify.annotations.NullMarked;
